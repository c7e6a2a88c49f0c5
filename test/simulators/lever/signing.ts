/**
 * Lever webhook signing: hex HMAC-SHA256 of `token + triggeredAt` (string concatenation) keyed with
 * the webhook's signature token, carried in the body field `signature` — the body itself is NOT signed.
 */
import { randomBytes } from 'node:crypto';
import { hmacSha256, safeEqual } from '../shared/signing.ts';

export type LeverWebhookEvent = 'candidateStageChange' | 'candidateHired' | (string & {});

export interface LeverWebhookBody {
  triggeredAt: number;
  event: LeverWebhookEvent;
  data: Record<string, unknown>;
  token: string;
  /** Present only when a signature token exists for the webhook. */
  signature?: string;
}

export function leverSignature(signatureToken: string, token: string, triggeredAt: number | string): string {
  return hmacSha256(signatureToken, `${token}${triggeredAt}`, 'hex');
}

/** A 48-character random token, the length Lever's docs show. */
export function newWebhookToken(): string {
  return randomBytes(24).toString('hex');
}

/** Builds the body in Lever's field order; signs it when a signature token is given. */
export function buildLeverWebhookBody(
  event: LeverWebhookEvent,
  data: Record<string, unknown>,
  opts: { signatureToken?: string | null; triggeredAt?: number; token?: string } = {},
): LeverWebhookBody {
  const triggeredAt = opts.triggeredAt ?? Date.now();
  const token = opts.token ?? newWebhookToken();
  // UNCONFIRMED: no `id` field — the docs' table lists one but their examples (and the fixture) omit it
  const body: LeverWebhookBody = { triggeredAt, event, data, token };
  if (opts.signatureToken) body.signature = leverSignature(opts.signatureToken, token, triggeredAt);
  return body;
}

/** What a receiver should do: recompute from token + triggeredAt and compare in constant time. */
export function verifyLeverSignature(body: { token?: unknown; triggeredAt?: unknown; signature?: unknown }, signatureToken: string): boolean {
  if (typeof body.token !== 'string' || typeof body.signature !== 'string') return false;
  if (typeof body.triggeredAt !== 'number' && typeof body.triggeredAt !== 'string') return false;
  return safeEqual(leverSignature(signatureToken, body.token, body.triggeredAt), body.signature);
}
