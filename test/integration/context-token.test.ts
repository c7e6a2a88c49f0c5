// The ATS context token is the front door: every bad token is refused with 401 and a code, and none
// creates a session or a row.
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as jose from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assay } from '../helpers/cli.ts';
import { countRows } from '../helpers/db.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { mintContext, openSession } from '../helpers/tokens.ts';

let srv: RunningServer;
let rsaAccount: { issuer: string; audience: string; privateKey: jose.CryptoKey; publicPem: string };

beforeAll(async () => {
  srv = await startServer();
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const pemFile = join(srv.dataDir, 'rsa.pem');
  writeFileSync(pemFile, publicPem);
  const r = await assay(['accounts:create', '--name', 'RSA Co', '--issuer', 'https://rsa-ats.example', '--alg', 'RS256', '--public-key-file', pemFile, '--no-packages', '--json'], { ...srv.storeEnv });
  expect(r.code, r.stderr).toBe(0);
  rsaAccount = { issuer: 'https://rsa-ats.example', audience: 'assay', privateKey: (await jose.importPKCS8(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'RS256')) as jose.CryptoKey, publicPem };
});
afterAll(() => srv?.stop());

const now = () => Math.floor(Date.now() / 1000);

describe('POST /api/session', () => {
  it('accepts a well-formed token and returns a short-lived session bound to the context', async () => {
    const s = await openSession(srv.url, await mintContext(srv.demo));
    expect(s.status).toBe(200);
    expect(s.body.account).toEqual({ id: 'demo', name: 'Demo Company' });
    expect(s.body.role).toBe('recruiter');
    expect(s.body.application).toEqual({ id: 'app-1' });
    expect(s.body.candidate.email).toBe('cand@example.com');
    const ttl = Date.parse(s.body.expires_at) - Date.now();
    expect(ttl).toBeGreaterThan(10 * 60_000);
    expect(ttl).toBeLessThanOrEqual(15 * 60_000);
  });

  it('accepts an RS256 token for an account that pins RS256 with a public key', async () => {
    const t = await new jose.SignJWT({ role: 'viewer', candidate: { id: 'c9' }, application: { id: 'a9' }, sub: 'u9' })
      .setProtectedHeader({ alg: 'RS256' }).setIssuer(rsaAccount.issuer).setAudience('assay').setIssuedAt().setExpirationTime('5m').sign(rsaAccount.privateKey);
    const s = await openSession(srv.url, t);
    expect(s.status).toBe(200);
    expect(s.body.role).toBe('viewer');
  });

  const cases: [string, () => Promise<string>, string][] = [
    ['expired', () => mintContext(srv.demo, { iat: now() - 900, exp: now() - 60 }), 'context_expired'],
    ['issued in the future', () => mintContext(srv.demo, { iat: now() + 600, exp: now() + 900 }), 'context_not_yet_valid'],
    ['not valid yet (nbf)', () => mintContext(srv.demo, { claims: { nbf: now() + 300 } }), 'context_not_yet_valid'],
    ['for another audience', () => mintContext(srv.demo, { audience: 'someone-else' }), 'context_wrong_audience'],
    ['from an unknown issuer', () => mintContext(srv.demo, { issuer: 'https://evil.example' }), 'context_unknown_issuer'],
    ['signed with the wrong key', () => mintContext(srv.demo, { secret: 'not-the-secret-not-the-secret-xx' }), 'context_signature_invalid'],
    ['missing exp', () => mintContext(srv.demo, { exp: null }), 'context_claims_invalid'],
    ['living longer than 15 minutes', () => mintContext(srv.demo, { exp: now() + 3600 }), 'context_lifetime_too_long'],
    ['missing the candidate claim', () => mintContext(srv.demo, { claims: { candidate: undefined } }), 'context_claims_invalid'],
    ['with an unknown role', () => mintContext(srv.demo, { claims: { role: 'owner' } }), 'context_claims_invalid'],
    [
      'alg none',
      async () => {
        const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
        return `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ iss: srv.demo.issuer, aud: 'assay', sub: 'x', iat: now(), exp: now() + 60, role: 'admin', candidate: { id: 'c' }, application: { id: 'a' } })}.`;
      },
      'context_algorithm_not_allowed',
    ],
    [
      'HS256 signed with the RSA account public key (algorithm confusion)',
      () =>
        new jose.SignJWT({ role: 'admin', candidate: { id: 'c' }, application: { id: 'a' }, sub: 'x' })
          .setProtectedHeader({ alg: 'HS256' }).setIssuer(rsaAccount.issuer).setAudience('assay').setIssuedAt().setExpirationTime('5m')
          .sign(new TextEncoder().encode(rsaAccount.publicPem)),
      'context_algorithm_not_allowed',
    ],
    ['with a kid that tries path injection', () => mintContext(srv.demo, { header: { kid: '../../etc/passwd' }, secret: 'attacker-secret-attacker-secret!' }), 'context_signature_invalid'],
    ['that is not a JWT at all', async () => 'hello.world', 'context_malformed'],
  ];

  for (const [name, make, code] of cases) {
    it(`refuses a token ${name} with 401 ${code} and creates nothing`, async () => {
      const before = countRows(srv);
      const s = await openSession(srv.url, await make());
      expect(s.status).toBe(401);
      expect(s.body.error.code).toBe(code);
      expect(s.body.error.message).toMatch(/\w+ \w+/);
      expect(s.body.token).toBeUndefined();
      expect(countRows(srv)).toEqual(before);
    });
  }

  it('refuses a session token used as a context token, and a context token used as a session', async () => {
    const s = await openSession(srv.url, await mintContext(srv.demo));
    const again = await openSession(srv.url, s.body.token);
    expect(again.status).toBe(401);
    const ctx = await mintContext(srv.demo);
    const r = await fetch(`${srv.url}/api/packages`, { headers: { authorization: `Bearer ${ctx}` } });
    expect(r.status).toBe(401);
    expect((await r.json()).error.code).toBe('session_invalid');
  });
});
