import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { randomBytesPooled } from '../ids.ts';

/** AES-256-GCM box for secrets at rest: `v1.<iv>.<tag>.<ciphertext>` in base64url. */
export class SecretBox {
  readonly #key: Buffer;
  constructor(masterKey: Buffer) {
    this.#key = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'assay secrets at rest v1', 32));
  }
  seal(plain: string): string {
    const iv = randomBytesPooled(12);
    const c = createCipheriv('aes-256-gcm', this.#key, iv);
    const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return ['v1', iv.toString('base64url'), c.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
  }
  open(sealed: string): string {
    const [v, iv, tag, ct] = sealed.split('.');
    if (v !== 'v1' || !iv || !tag || ct === undefined) throw new Error('sealed secret has an unknown format');
    const d = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'));
    d.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString('utf8');
  }
  sealJson(value: unknown): string {
    return this.seal(JSON.stringify(value));
  }
  openJson<T>(sealed: string): T {
    return JSON.parse(this.open(sealed)) as T;
  }
}

/** Keys derived from the master key for distinct purposes, so one leak does not open another door. */
export function deriveKey(masterKey: Buffer, purpose: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', masterKey, Buffer.alloc(0), `assay ${purpose} v1`, 32));
}

export const sha256Hex = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

export function hmacSha256(secret: string | Buffer, data: string | Buffer): Buffer {
  return createHmac('sha256', secret).update(data).digest();
}

/** Constant-time comparison of two byte strings of possibly different lengths. */
export function safeEqual(a: Buffer | string, b: Buffer | string): boolean {
  const ba = typeof a === 'string' ? Buffer.from(a) : a;
  const bb = typeof b === 'string' ? Buffer.from(b) : b;
  if (ba.length !== bb.length) {
    timingSafeEqual(ba, ba); // spend comparable time; lengths of MACs are public anyway
    return false;
  }
  return timingSafeEqual(ba, bb);
}
