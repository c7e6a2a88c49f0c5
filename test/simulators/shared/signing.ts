/**
 * HMAC helpers for webhook signatures and their test vectors (test/fixtures/signatures.json).
 *
 * API (stable):
 *   hmacSha256(secret, payload, encoding = 'hex') -> string
 *       encoding: 'hex' | 'base64' | 'base64url'; payload is the RAW body (string or bytes) — never
 *       re-serialise JSON before signing.
 *   safeEqual(a, b) -> boolean          constant-time string comparison (false on length mismatch)
 *   basicAuth(user, password = '') -> string   "Basic <base64(user:password)>"
 *   parseBasicAuth(header) -> { user, password } | null
 *   parseBearer(header) -> string | null
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureEncoding = 'hex' | 'base64' | 'base64url';

export function hmacSha256(secret: string, payload: string | Uint8Array, encoding: SignatureEncoding = 'hex'): string {
  return createHmac('sha256', secret).update(payload).digest(encoding);
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function basicAuth(user: string, password = ''): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export function parseBasicAuth(header: string | undefined | null): { user: string; password: string } | null {
  const m = /^Basic\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? { user: decoded, password: '' } : { user: decoded.slice(0, i), password: decoded.slice(i + 1) };
}

export function parseBearer(header: string | undefined | null): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m ? m[1]! : null;
}
