import { createHmac } from 'node:crypto';
import * as v from 'valibot';
import { ROLES, type Role } from '../../shared/api.ts';
import { safeEqual } from '../crypto/secrets.ts';
import { ApiError } from '../errors.ts';

export const SESSION_TTL_S = 15 * 60;
const ISSUER = 'assay-bff';
const AUDIENCE = 'assay-widget';
const CLOCK_SKEW_S = 5;

/** What a widget session may do and see: bound to one account, application, candidate and role. */
export interface WidgetSession {
  accountId: string;
  applicationId: string;
  candidateId: string;
  role: Role;
  sub: string;
  jobId: string | null;
  jobName: string | null;
  locale: string;
}

const ClaimsSchema = v.object({
  iss: v.literal(ISSUER),
  aud: v.literal(AUDIENCE),
  sub: v.string(),
  iat: v.number(),
  exp: v.number(),
  acc: v.string(),
  app: v.string(),
  cand: v.string(),
  role: v.picklist(ROLES),
  job: v.nullable(v.string()),
  jobn: v.nullable(v.string()),
  loc: v.string(),
});

// Our own tokens have one fixed header, so the algorithm is pinned by comparing it byte for byte.
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'assay-session+jwt' })).toString('base64url');
const mac = (key: Uint8Array, input: string) => createHmac('sha256', key).update(input).digest('base64url');

/**
 * Session tokens are compact HS256 JWTs under a key derived from the master key, so any instance can
 * verify them. They are ours alone, so they are signed and checked with node:crypto directly: a tenth of
 * the cost of a general JOSE library on every widget request (see BENCHMARKS.md).
 */
export async function mintSessionToken(s: WidgetSession, key: Uint8Array, now = Date.now()): Promise<{ token: string; expiresAt: number }> {
  const iat = Math.floor(now / 1000);
  const exp = iat + SESSION_TTL_S;
  const payload = { iss: ISSUER, aud: AUDIENCE, sub: s.sub, iat, exp, acc: s.accountId, app: s.applicationId, cand: s.candidateId, role: s.role, job: s.jobId, jobn: s.jobName, loc: s.locale };
  const body = `${HEADER}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return { token: `${body}.${mac(key, body)}`, expiresAt: exp * 1000 };
}

const invalid = () => new ApiError(401, 'session_invalid', 'The session token is missing or invalid.');

/**
 * Tokens whose MAC and claims were checked, by key and exact token text: the widget sends one token on every
 * call for up to 15 minutes, so the HMAC, base64 and claims parse run once per token instead of once per
 * request (the time checks still run on every use). Only a token that passed is kept, so a forged one never
 * finds an entry; at most MAX_VERIFIED per key, the oldest dropped first.
 */
const verified = new WeakMap<Uint8Array, Map<string, { session: WidgetSession; iat: number; exp: number }>>();
const MAX_VERIFIED = 2000;

export async function verifySessionToken(token: string, key: Uint8Array, now = Date.now()): Promise<WidgetSession> {
  let known = verified.get(key);
  if (!known) verified.set(key, (known = new Map()));
  const hit = known.get(token);
  if (hit) return checkTimes(hit, now);
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== HEADER) throw invalid();
  if (!safeEqual(mac(key, `${parts[0]}.${parts[1]}`), parts[2]!)) throw invalid();
  let claims: v.InferOutput<typeof ClaimsSchema>;
  try {
    claims = v.parse(ClaimsSchema, JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')));
  } catch {
    throw invalid();
  }
  const entry = {
    session: { accountId: claims.acc, applicationId: claims.app, candidateId: claims.cand, role: claims.role, sub: claims.sub, jobId: claims.job, jobName: claims.jobn, locale: claims.loc },
    iat: claims.iat,
    exp: claims.exp,
  };
  const session = checkTimes(entry, now); // before it is kept: an expired or future token is never remembered
  if (known.size >= MAX_VERIFIED) known.delete(known.keys().next().value!);
  known.set(token, entry);
  return session;
}

/** The session of a token whose MAC and claims passed, if it is valid at `now`; a copy, so no caller changes the kept one. */
function checkTimes(t: { session: WidgetSession; iat: number; exp: number }, now: number): WidgetSession {
  const nowS = now / 1000;
  if (t.exp + CLOCK_SKEW_S <= nowS) throw new ApiError(401, 'session_expired', 'Your session has expired; the widget will renew it.');
  if (t.iat - CLOCK_SKEW_S > nowS) throw invalid();
  return { ...t.session };
}
