// The BFF's own widget session tokens: pinned header, constant-time MAC, expiry, tamper evidence.
import { describe, expect, it } from 'vitest';
import * as jose from 'jose';
import { mintSessionToken, SESSION_TTL_S, verifySessionToken, type WidgetSession } from '../../server/context/session-token.ts';

const key = new Uint8Array(32).fill(7);
const other = new Uint8Array(32).fill(8);
const s: WidgetSession = { accountId: 'acc', applicationId: 'app', candidateId: 'cand', role: 'recruiter', sub: 'u1', jobId: null, jobName: 'Job', locale: 'nl' };
const code = async (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string }) => e.code);

describe('session tokens', () => {
  it('round-trips and is a standard HS256 JWT any instance with the key can check', async () => {
    const { token, expiresAt } = await mintSessionToken(s, key, 1_000_000_000_000);
    expect(await verifySessionToken(token, key, 1_000_000_000_000 + 1000)).toEqual(s);
    expect(expiresAt).toBe(1_000_000_000_000 + SESSION_TTL_S * 1000);
    const { payload, protectedHeader } = await jose.jwtVerify(token, key, { algorithms: ['HS256'], currentDate: new Date(1_000_000_000_000) });
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload).toMatchObject({ iss: 'assay-bff', aud: 'assay-widget', acc: 'acc', role: 'recruiter' });
  });

  it('refuses another key, a changed payload, another header, expiry and garbage', async () => {
    const now = Date.now();
    const { token } = await mintSessionToken(s, key, now);
    const [h, p, sig] = token.split('.') as [string, string, string];
    const raised = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), role: 'admin' })).toString('base64url');
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'assay-session+jwt' })).toString('base64url');
    expect(await code(verifySessionToken(token, other, now))).toBe('session_invalid');
    expect(await code(verifySessionToken(`${h}.${raised}.${sig}`, key, now))).toBe('session_invalid');
    expect(await code(verifySessionToken(`${none}.${p}.`, key, now))).toBe('session_invalid');
    expect(await code(verifySessionToken(`${h}.${p}`, key, now))).toBe('session_invalid');
    expect(await code(verifySessionToken('a.b.c', key, now))).toBe('session_invalid');
    expect(await code(verifySessionToken(token, key, now + (SESSION_TTL_S + 10) * 1000))).toBe('session_expired');
    expect(await code(verifySessionToken(token, key, now - 60_000))).toBe('session_invalid'); // issued in the future
  });

  it('checks a token it has already accepted as strictly again: expiry, issue time, key, and no shared session object', async () => {
    const now = Date.now();
    const { token } = await mintSessionToken(s, key, now);
    const first = await verifySessionToken(token, key, now); // accepted, and kept
    expect(first).toEqual(s);
    first.accountId = 'changed by a caller';
    expect(await verifySessionToken(token, key, now + 1000)).toEqual(s);
    expect(await code(verifySessionToken(token, other, now))).toBe('session_invalid');
    expect(await code(verifySessionToken(token, key, now + (SESSION_TTL_S + 10) * 1000))).toBe('session_expired');
    expect(await code(verifySessionToken(token, key, now - 60_000))).toBe('session_invalid');
    const [h, p, sig] = token.split('.') as [string, string, string];
    expect(await code(verifySessionToken(`${h}.${p}.${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`, key, now))).toBe('session_invalid');
  });

  it('does not keep a token that was refused for its time, so it is refused again when used', async () => {
    const now = Date.now();
    const { token } = await mintSessionToken(s, key, now);
    expect(await code(verifySessionToken(token, key, now + (SESSION_TTL_S + 10) * 1000))).toBe('session_expired');
    expect(await code(verifySessionToken(token, key, now + (SESSION_TTL_S + 20) * 1000))).toBe('session_expired');
    expect(await verifySessionToken(token, key, now)).toEqual(s);
  });
});
