// HS256 context tokens are verified with node:crypto: the same answers as jose gave, checked on the edges
// the integration test does not reach (nbf, iat in the future, tampered payload, truncated MAC, crit),
// and a rotated secret takes effect at once (the opened key is cached per sealed value).
import { createHmac, randomBytes } from 'node:crypto';
import * as jose from 'jose';
import { describe, expect, it } from 'vitest';
import { verifyContextToken } from '../../server/context/verify-context.ts';
import { SecretBox } from '../../server/crypto/secrets.ts';
import type { AccountRow, Store } from '../../server/store/types.ts';

const box = new SecretBox(randomBytes(32));
const account = { id: 'acc-hs', issuer: 'https://ats.example', audience: 'assay', context_algs: ['HS256'], context_secret_enc: box.seal('s'.repeat(32)), jwks_url: null, public_key_pem: null } as unknown as AccountRow;
const store = { accounts: { getByIssuer: async (iss: string) => (iss === account.issuer ? account : null) } } as unknown as Store;
const NOW = 1_800_000_000_000;
const t = NOW / 1000;
const claims = { role: 'recruiter', candidate: { id: 'c1' }, application: { id: 'a1' }, sub: 'u1' };

function mint(opts: { secret?: string; header?: Record<string, unknown>; payload?: Record<string, unknown> } = {}) {
  const payload = { ...claims, iss: account.issuer, aud: 'assay', iat: t - 10, exp: t + 300, ...opts.payload };
  for (const [k, v] of Object.entries(payload)) if (v === undefined) delete (payload as Record<string, unknown>)[k];
  return new jose.SignJWT(payload).setProtectedHeader({ alg: 'HS256', ...opts.header } as jose.JWTHeaderParameters).sign(new TextEncoder().encode(opts.secret ?? 's'.repeat(32)));
}

/** Signs by hand what jose refuses to sign (an unknown critical extension). */
function signRaw(header: object, payload: object, secret = 's'.repeat(32)): string {
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

const codeOf = (p: Promise<unknown>) => p.then(() => 'accepted', (e: { status?: number; code?: string }) => `${e.status} ${e.code}`);

describe('HS256 context tokens', () => {
  it('accepts a good token and returns its claims', async () => {
    const v = await verifyContextToken(await mint(), store, box, NOW);
    expect(v.account.id).toBe('acc-hs');
    expect(v.claims.candidate.id).toBe('c1');
    expect(v.expiresAt).toBe((t + 300) * 1000);
  });

  it.each([
    ['a payload changed after signing', async () => { const [h, , s] = (await mint()).split('.'); return `${h}.${Buffer.from(JSON.stringify({ ...claims, iss: account.issuer, aud: 'assay', iat: t, exp: t + 300, role: 'admin' })).toString('base64url')}.${s}`; }, '401 context_signature_invalid'],
    ['a truncated MAC', async () => (await mint()).slice(0, -4), '401 context_signature_invalid'],
    ['an empty MAC', async () => (await mint()).replace(/[^.]+$/, ''), '401 context_signature_invalid'],
    ['the wrong secret', () => mint({ secret: 'x'.repeat(32) }), '401 context_signature_invalid'],
    ['expired', () => mint({ payload: { iat: t - 400, exp: t - 60 } }), '401 context_expired'],
    ['not valid before later', () => mint({ payload: { nbf: t + 120 } }), '401 context_not_yet_valid'],
    ['issued in the future', () => mint({ payload: { iat: t + 120, exp: t + 300 } }), '401 context_not_yet_valid'],
    ['for another audience', () => mint({ payload: { aud: 'other' } }), '401 context_wrong_audience'],
    ['living too long', () => mint({ payload: { exp: t + 3600 } }), '401 context_lifetime_too_long'],
    ['without exp', () => mint({ payload: { exp: undefined } }), '401 context_claims_invalid'],
    ['with a critical header extension', async () => signRaw({ alg: 'HS256', crit: ['x'], x: 1 }, { ...claims, iss: account.issuer, aud: 'assay', iat: t - 10, exp: t + 300 }), '401 context_invalid'],
  ])('refuses a token with %s', async (_name, make, code) => {
    expect(await codeOf(verifyContextToken(await make(), store, box, NOW))).toBe(code);
  });

  it('uses a rotated secret at once', async () => {
    const token = await mint();
    expect(await codeOf(verifyContextToken(token, store, box, NOW))).toBe('accepted');
    const rotated = { ...account, context_secret_enc: box.seal('r'.repeat(32)) } as AccountRow;
    const store2 = { accounts: { getByIssuer: async () => rotated } } as unknown as Store;
    expect(await codeOf(verifyContextToken(token, store2, box, NOW))).toBe('401 context_signature_invalid');
    expect(await codeOf(verifyContextToken(await mint({ secret: 'r'.repeat(32) }), store2, box, NOW))).toBe('accepted');
  });
});
