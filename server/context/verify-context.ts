import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import * as jose from 'jose';
import * as v from 'valibot';
import { ContextClaimsSchema, type ContextClaims } from '../../shared/api.ts';
import { ApiError } from '../errors.ts';
import type { SecretBox } from '../crypto/secrets.ts';
import type { AccountRow, Store } from '../store/types.ts';

export const MAX_CONTEXT_LIFETIME_S = 15 * 60;
export const CLOCK_TOLERANCE_S = 30;
export const ASYMMETRIC_ALGS = ['RS256', 'ES256', 'EdDSA'] as const;
export const ALLOWED_ALGS = ['HS256', ...ASYMMETRIC_ALGS] as const;

const refuse = (code: string, message: string) => new ApiError(401, code, message);

/** Remote key sets are cached per account (jose keeps its own cache and cooldown per set). */
const jwksCache = new Map<string, { url: string; set: ReturnType<typeof jose.createRemoteJWKSet> }>();

/** HS256 keys, opened once per sealed secret (a rotated secret is a new sealed value, so a new entry). */
const hmacKeys = new Map<string, { sealed: string; key: KeyObject }>();

function hmacKeyFor(account: AccountRow, box: SecretBox): KeyObject {
  if (!account.context_secret_enc) throw refuse('context_algorithm_not_allowed', 'This account does not accept HS256 context tokens.');
  const hit = hmacKeys.get(account.id);
  if (hit && hit.sealed === account.context_secret_enc) return hit.key;
  const key = createSecretKey(Buffer.from(box.open(account.context_secret_enc), 'utf8'));
  if (hmacKeys.size > 10_000) hmacKeys.clear();
  hmacKeys.set(account.id, { sealed: account.context_secret_enc, key });
  return key;
}

const NONE_HEADER = Buffer.from('{"alg":"none"}').toString('base64url');

/**
 * HS256 with node:crypto: the algorithm is already pinned by the caller; the MAC over the signing input is
 * compared in constant time; then the claims go through the same validation jose applies after a
 * signature (its UnsecuredJWT reads the already-verified payload with the same options), so exp, iat, nbf,
 * aud, iss and the lifetime are checked exactly as for the other algorithms. A tenth of jose's
 * WebCrypto round trip (see BENCHMARKS.md).
 */
function verifyHs256(token: string, header: jose.ProtectedHeaderParameters, key: KeyObject, opts: jose.JWTVerifyOptions): jose.JWTPayload {
  if (header.crit !== undefined || header.b64 !== undefined) throw new jose.errors.JWSInvalid('unsupported header parameters');
  const [h, p, sig] = token.split('.') as [string, string, string];
  const expected = createHmac('sha256', key).update(`${h}.${p}`).digest();
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new jose.errors.JWSSignatureVerificationFailed();
  return jose.UnsecuredJWT.decode(`${NONE_HEADER}.${p}.`, opts).payload;
}

async function keyFor(account: AccountRow, alg: string, box: SecretBox): Promise<jose.CryptoKey | Uint8Array | jose.JWTVerifyGetKey> {
  if (account.jwks_url) {
    let hit = jwksCache.get(account.id);
    if (!hit || hit.url !== account.jwks_url) {
      hit = { url: account.jwks_url, set: jose.createRemoteJWKSet(new URL(account.jwks_url), { timeoutDuration: 5000, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 }) };
      jwksCache.set(account.id, hit);
    }
    return hit.set;
  }
  if (account.public_key_pem) {
    try {
      return await jose.importSPKI(account.public_key_pem, alg);
    } catch {
      throw refuse('context_key_mismatch', `The account's public key cannot verify ${alg} tokens.`);
    }
  }
  throw refuse('context_algorithm_not_allowed', `This account has no key for ${alg} context tokens.`);
}

export interface VerifiedContext {
  account: AccountRow;
  claims: ContextClaims;
  expiresAt: number;
}

/**
 * Verifies an ATS context token: the account is found from `iss` only, the algorithm must be one the
 * account allows (pinned: `none` and HS/RS confusion are impossible), exp and iat are required,
 * lifetime ≤ 15 min, 30 s tolerance.
 */
export async function verifyContextToken(token: string, store: Store, box: SecretBox, now = Date.now()): Promise<VerifiedContext> {
  let header: jose.ProtectedHeaderParameters;
  let unverified: jose.JWTPayload;
  try {
    header = jose.decodeProtectedHeader(token);
    unverified = jose.decodeJwt(token);
  } catch {
    throw refuse('context_malformed', 'The context token is not a well-formed JWT.');
  }
  if (typeof unverified.iss !== 'string' || unverified.iss.length === 0 || unverified.iss.length > 500) {
    throw refuse('context_unknown_issuer', 'The context token has no issuer this service knows.');
  }
  const account = await store.accounts.getByIssuer(unverified.iss);
  if (!account) throw refuse('context_unknown_issuer', 'The context token has no issuer this service knows.');
  const alg = header.alg ?? '';
  if (!account.context_algs.includes(alg) || !(ALLOWED_ALGS as readonly string[]).includes(alg)) {
    throw refuse('context_algorithm_not_allowed', `Context tokens for this account must be signed with ${account.context_algs.join(' or ')}.`);
  }
  const key = alg === 'HS256' ? hmacKeyFor(account, box) : await keyFor(account, alg, box);
  let payload: jose.JWTPayload;
  try {
    const opts: jose.JWTVerifyOptions = {
      algorithms: [alg],
      issuer: account.issuer,
      audience: account.audience,
      requiredClaims: ['exp', 'iat'],
      maxTokenAge: MAX_CONTEXT_LIFETIME_S + CLOCK_TOLERANCE_S,
      clockTolerance: CLOCK_TOLERANCE_S,
      currentDate: new Date(now),
    };
    if (alg === 'HS256') payload = verifyHs256(token, header, key as KeyObject, opts);
    else payload = (typeof key === 'function' ? await jose.jwtVerify(token, key, opts) : await jose.jwtVerify(token, key as jose.CryptoKey, opts)).payload;
  } catch (err) {
    throw mapJoseError(err);
  }
  const iat = payload.iat!;
  const exp = payload.exp!;
  if (iat > now / 1000 + CLOCK_TOLERANCE_S) throw refuse('context_not_yet_valid', 'The context token was issued in the future; check the ATS clock.');
  if (exp - iat > MAX_CONTEXT_LIFETIME_S) throw refuse('context_lifetime_too_long', 'Context tokens may live at most 15 minutes.');
  const parsed = v.safeParse(ContextClaimsSchema, payload);
  if (!parsed.success) {
    const path = v.getDotPath(parsed.issues[0]!) ?? 'claims';
    throw refuse('context_claims_invalid', `The context token's claim "${path}" is missing or malformed: ${parsed.issues[0]!.message}`);
  }
  return { account, claims: parsed.output, expiresAt: exp * 1000 };
}

function mapJoseError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof jose.errors.JWTExpired) return refuse('context_expired', 'The context token has expired; ask the ATS for a fresh one.');
  if (err instanceof jose.errors.JWTClaimValidationFailed) {
    const claim = err.claim;
    if (claim === 'aud') return refuse('context_wrong_audience', 'The context token is meant for another service (audience).');
    if (claim === 'iss') return refuse('context_unknown_issuer', 'The context token has no issuer this service knows.');
    if (claim === 'nbf') return refuse('context_not_yet_valid', 'The context token is not valid yet.');
    if (claim === 'iat') return refuse(err.reason === 'check_failed' ? 'context_not_yet_valid' : 'context_lifetime_too_long', 'The context token was issued too long ago or in the future.');
    return refuse('context_claims_invalid', `The context token's claim "${claim}" is missing or invalid.`);
  }
  if (err instanceof jose.errors.JWSSignatureVerificationFailed) return refuse('context_signature_invalid', 'The context token signature does not verify.');
  if (err instanceof jose.errors.JOSEAlgNotAllowed) return refuse('context_algorithm_not_allowed', 'The context token uses an algorithm this account does not allow.');
  if (err instanceof jose.errors.JWKSNoMatchingKey || err instanceof jose.errors.JWKSMultipleMatchingKeys) return refuse('context_key_unknown', 'No key of the account matches the token (kid).');
  if (err instanceof jose.errors.JWKSTimeout || err instanceof jose.errors.JOSEError && err.code === 'ERR_JWKS_INVALID') return new ApiError(503, 'context_keys_unavailable', "The account's key set could not be fetched; try again shortly.");
  return refuse('context_invalid', 'The context token could not be verified.');
}
