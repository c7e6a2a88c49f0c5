import * as jose from 'jose';
import * as v from 'valibot';
import { ROLES, type Role } from '../../shared/api.ts';
import { ApiError } from '../errors.ts';

export const SESSION_TTL_S = 15 * 60;
const ISSUER = 'assay-bff';
const AUDIENCE = 'assay-widget';

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
  acc: v.string(),
  app: v.string(),
  cand: v.string(),
  role: v.picklist(ROLES),
  sub: v.string(),
  job: v.nullable(v.string()),
  jobn: v.nullable(v.string()),
  loc: v.string(),
});

/** Session tokens are HS256 JWTs under a key derived from the master key, so any instance can verify them. */
export async function mintSessionToken(s: WidgetSession, key: Uint8Array, now = Date.now()): Promise<{ token: string; expiresAt: number }> {
  const iat = Math.floor(now / 1000);
  const exp = iat + SESSION_TTL_S;
  const token = await new jose.SignJWT({ acc: s.accountId, app: s.applicationId, cand: s.candidateId, role: s.role, job: s.jobId, jobn: s.jobName, loc: s.locale })
    .setProtectedHeader({ alg: 'HS256', typ: 'assay-session+jwt' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(s.sub)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(key);
  return { token, expiresAt: exp * 1000 };
}

export async function verifySessionToken(token: string, key: Uint8Array): Promise<WidgetSession> {
  try {
    const { payload } = await jose.jwtVerify(token, key, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, typ: 'assay-session+jwt', clockTolerance: 5 });
    const c = v.parse(ClaimsSchema, payload);
    return { accountId: c.acc, applicationId: c.app, candidateId: c.cand, role: c.role, sub: c.sub, jobId: c.job, jobName: c.jobn, locale: c.loc };
  } catch (err) {
    if (err instanceof jose.errors.JWTExpired) throw new ApiError(401, 'session_expired', 'Your session has expired; the widget will renew it.');
    throw new ApiError(401, 'session_invalid', 'The session token is missing or invalid.');
  }
}
