import * as jose from 'jose';
import { createHmac, timingSafeEqual, webcrypto } from 'node:crypto';
const key = new Uint8Array(32).fill(7);
const tok = await new jose.SignJWT({ acc: 'demo', app: 'x' }).setProtectedHeader({ alg: 'HS256', typ: 'assay-session+jwt' }).setIssuer('i').setAudience('a').setSubject('s').setIssuedAt().setExpirationTime('10m').sign(key);
const ck = await webcrypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify', 'sign']);
async function time(name: string, fn: () => Promise<unknown> | unknown, n = 20000) {
  for (let i = 0; i < 2000; i++) await fn();
  const t = performance.now();
  for (let i = 0; i < n; i++) await fn();
  console.log(name, ((performance.now() - t) / n * 1000).toFixed(1), 'µs/op');
}
const opts = { algorithms: ['HS256'], issuer: 'i', audience: 'a', typ: 'assay-session+jwt' };
await time('jose Uint8Array', () => jose.jwtVerify(tok, key, opts));
await time('jose CryptoKey', () => jose.jwtVerify(tok, ck as any, opts));
const kb = Buffer.from(key);
await time('node hmac', () => {
  const [h, p, s] = tok.split('.');
  const mac = createHmac('sha256', kb).update(`${h}.${p}`).digest();
  const sig = Buffer.from(s!, 'base64url');
  if (sig.length !== mac.length || !timingSafeEqual(sig, mac)) throw new Error('bad');
  return JSON.parse(Buffer.from(p!, 'base64url').toString());
});
