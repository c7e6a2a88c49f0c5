// headerSignatureVerdict (server/connectors/shared.ts): the one check of a vendor that signs the body with an
// HMAC-SHA256 in a header (Kombo, StackOne, Recruitee, Greenhouse), each keeping its header, encoding and sentences.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { headerSignatureVerdict, signedBytesKey } from '../../server/connectors/shared.ts';

const body = '{"event":"x"}';
const req = (headers: Record<string, string>) => ({ raw: new TextEncoder().encode(body), text: body, headers: new Headers(headers) });
const mac = (secret: string, enc: 'hex' | 'base64url') => createHmac('sha256', secret).update(body).digest(enc);
const sentences = { missing: 'missing', mismatch: 'mismatch' };

describe('headerSignatureVerdict', () => {
  it('keys a matching signature on the signed bytes, in the encoding the vendor uses', () => {
    expect(headerSignatureVerdict(req({ 'x-sig': mac('s3cret', 'base64url') }), { header: 'x-sig', secret: 's3cret', encodings: ['base64url'], ...sentences })).toEqual({ key: signedBytesKey(new TextEncoder().encode(body)) });
    // The same MAC in another encoding than the vendor's is refused.
    expect(headerSignatureVerdict(req({ 'x-sig': mac('s3cret', 'hex') }), { header: 'x-sig', secret: 's3cret', encodings: ['base64url'], ...sentences })).toEqual({ refused: 'mismatch' });
  });

  it("says the vendor's sentence for a missing header, another secret, and no secret", () => {
    expect(headerSignatureVerdict(req({}), { header: 'x-sig', secret: 's3cret', encodings: ['hex'], ...sentences })).toEqual({ refused: 'missing' });
    expect(headerSignatureVerdict(req({ 'x-sig': mac('other', 'hex') }), { header: 'x-sig', secret: 's3cret', encodings: ['hex'], ...sentences })).toEqual({ refused: 'mismatch' });
    expect(headerSignatureVerdict(req({ 'x-sig': mac('', 'hex') }), { header: 'x-sig', secret: '', encodings: ['hex'], ...sentences })).toEqual({ refused: 'mismatch' });
    expect(headerSignatureVerdict(req({}), { header: 'x-sig', secret: null, encodings: ['hex'], noSecret: 'no secret', ...sentences })).toEqual({ refused: 'no secret' });
  });

  it('reads the MAC out of a header that carries more (Greenhouse: "sha256 <hex>")', () => {
    const signature = (v: string) => /^sha256\s+([0-9a-fA-F]{64})$/.exec(v.trim())?.[1]?.toLowerCase();
    const o = { header: 'signature', secret: 's3cret', encodings: ['hex' as const], signature, ...sentences };
    expect(headerSignatureVerdict(req({ signature: `sha256 ${mac('s3cret', 'hex').toUpperCase()}` }), o)).toHaveProperty('key');
    expect(headerSignatureVerdict(req({ signature: mac('s3cret', 'hex') }), o)).toEqual({ refused: 'missing' });
  });
});
