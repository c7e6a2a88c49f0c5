import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let poolAt = 0;

/**
 * `n` bytes from the operating system's CSPRNG, as crypto.randomBytes gives them, taken from a pool filled 4 KiB at
 * a time (each byte handed out once): a randomBytes call costs ~15 µs of job set-up for a dozen bytes, and an
 * order takes seven of them (ids, token, IV). The view is into the pool: use it at once or copy it.
 */
export function randomBytesPooled(n: number): Buffer {
  if (n > POOL_BYTES) return randomFillSync(Buffer.alloc(n));
  if (poolAt + n > pool.length) {
    pool = randomFillSync(Buffer.alloc(POOL_BYTES));
    poolAt = 0;
  }
  const out = pool.subarray(poolAt, poolAt + n);
  poolAt += n;
  return out;
}

/** Random, unguessable ids with a readable prefix (`ord_…`): never sequential, never derived from input. */
export function newId(prefix: string, bytes = 12): string {
  const buf = randomBytesPooled(bytes);
  let out = '';
  for (const b of buf) out += ALPHABET[b & 31];
  return `${prefix}_${out}`;
}

export function randomToken(bytes = 32): string {
  return randomBytesPooled(bytes).toString('base64url');
}
