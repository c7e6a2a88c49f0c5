/**
 * Greenhouse's wire encoding and webhook signature. Greenhouse (Ruby) escapes non-ASCII and the
 * HTML-sensitive characters as \uXXXX and signs exactly that string, so receivers must hash raw bytes.
 */
import { hmacSha256, safeEqual } from '../shared/signing.ts';

// UNCONFIRMED: `'` escaping and lower-case hex digits follow Ruby/ActiveSupport; the fixture only shows <, >, &
const ESCAPE = /[\u007f-\uffff<>&']/g;

/** JSON.stringify, then \uXXXX-escape what Greenhouse escapes (astral characters become surrogate pairs). */
export function greenhouseJson(value: unknown): string {
  return JSON.stringify(value).replace(ESCAPE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The `Signature` header value: "sha256 <hex HMAC-SHA256 of the raw body>". */
export function greenhouseSignature(secret: string, rawBody: string | Uint8Array): string {
  return `sha256 ${hmacSha256(secret, rawBody, 'hex')}`;
}

export function verifyGreenhouseSignature(secret: string, rawBody: string | Uint8Array, header: string | null | undefined): boolean {
  return !!header && safeEqual(greenhouseSignature(secret, rawBody), header);
}
