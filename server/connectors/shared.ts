// Helpers every connector uses: secrets of a connection, HMAC checks on raw bytes, delivery records.
import { createHmac } from 'node:crypto';
import { safeEqual, sha256Hex } from '../crypto/secrets.ts';
import { errorBody } from '../errors.ts';
import type { Services } from '../services.ts';
import type { ConnectionRow, Repos } from '../store/types.ts';
import type { WebhookResponse } from './types.ts';

export function secretsOf(svc: Services, connection: ConnectionRow): Record<string, string> {
  return svc.box.openJson<Record<string, string>>(connection.secrets_enc);
}

/** A setting by its vendor name, from the secret or the public part of a connection. */
export function settingOf(svc: Services, connection: ConnectionRow, name: string): string | undefined {
  const s = secretsOf(svc, connection)[name];
  if (s !== undefined) return s;
  const p = connection.config[name];
  return typeof p === 'string' ? p : undefined;
}

export type MacEncoding = 'hex' | 'base64' | 'base64url';

/** HMAC-SHA256 of the raw bytes compared in constant time against `given` in any of the encodings. */
export function hmacMatches(secret: string | Buffer, raw: Uint8Array | string, given: string | null | undefined, encodings: MacEncoding[]): boolean {
  if (!given) return false;
  const mac = createHmac('sha256', secret).update(raw).digest();
  let ok = false;
  for (const enc of encodings) {
    const expected = enc === 'base64url' ? mac.toString('base64url') : mac.toString(enc);
    // Evaluate every encoding so timing does not reveal which one was tried.
    ok = safeEqual(expected, given.trim()) || ok;
  }
  return ok;
}

/** Records an inbound delivery once; `duplicate` tells the caller to answer as before and do nothing. */
export async function recordDelivery(tx: Repos, provider: string, connectionId: string, deliveryId: string) {
  return tx.inbox.record({ provider, connection_id: connectionId, delivery_id: deliveryId.slice(0, 300) });
}

/** The de-duplication key of a vendor that signs the whole body and sends no signed delivery id: the signed bytes' hash. */
export const signedBytesKey = (raw: Uint8Array): string => `sha256:${sha256Hex(Buffer.from(raw))}`;

/** A verified delivery answered without storing anything (routes/webhooks.ts rolls the transaction back and answers `response`). */
export class WebhookRefusal extends Error {
  constructor(readonly response: WebhookResponse) {
    super(`webhook refused with ${response.status}`);
    this.name = 'WebhookRefusal';
  }
}

/** Refuses a verified delivery in the one error shape `{ error: { code, message } }`; nothing is stored. */
export function refuseWebhook(status: number, code: string, message: string): WebhookRefusal {
  return new WebhookRefusal({ status, body: errorBody(code, message) });
}

/** The body as JSON, or the one refusal for a body that is not JSON (400 `malformed_json`). */
export function webhookJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw refuseWebhook(400, 'malformed_json', 'The webhook body is not valid JSON.');
  }
}
