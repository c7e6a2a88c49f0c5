// The postMessage protocol between the embed loader (parent page) and the widget iframe.
// Types plus two tiny helpers, so both bundles can share it without pulling in a validator.

/** Version of the envelope; bump only with a breaking change and negotiate it in `hello`. */
export const PROTOCOL_VERSION = 1;

export type View = 'picker' | 'status' | 'result' | 'orders' | 'insights' | 'mappings';
export type Theme = 'light' | 'dark' | 'auto';
export type Role = 'recruiter' | 'admin' | 'viewer';
export type OrderStatus =
  | 'pending'
  | 'in_progress'
  | 'completed'
  | 'expired'
  | 'cancelled'
  | 'rejected'
  | 'failed';

export const VIEWS: readonly View[] = ['picker', 'status', 'result', 'orders', 'insights', 'mappings'];

/** `--assay-*` custom properties; keys may be given with or without the `--assay-` prefix. */
export type ThemeVars = Record<string, string>;

/** Events the integrator can listen to. Every payload carries `v` so it can evolve without breaking. */
export interface EventMap {
  /** The widget has a session and shows its view. */
  ready: { v: 1; view: View; role: Role };
  /** The recruiter sent an order from the picker. */
  'order.created': {
    v: 1;
    order_id: string;
    package_id: string;
    package_name: string;
    status: OrderStatus;
  };
  /** An order's status changed (seen by polling, or by cancel / resend). */
  'order.updated': {
    v: 1;
    order_id: string;
    status: OrderStatus;
    previous_status: OrderStatus | null;
  };
  /** The recruiter pressed **Open** on a result card. */
  'result.opened': { v: 1; order_id: string; result_url: string };
  /** Something went wrong that the person was told about; `code` is machine-readable. */
  error: { v: 1; code: string; message: string };
}

export type EventName = keyof EventMap;
export const EVENT_NAMES: readonly EventName[] = [
  'ready',
  'order.created',
  'order.updated',
  'result.opened',
  'error',
];

/** What a `'*'` listener receives. */
export type AssayEvent = { [K in EventName]: { type: K; payload: EventMap[K] } }[EventName];

/** Parent (loader) → iframe. */
export interface ParentMessages {
  /** Answer to `hello`: everything the iframe needs; the context token travels only here. */
  init: {
    context: string | null;
    theme: Theme;
    vars: ThemeVars;
    locale: string;
    /** The loader's height cap, so the iframe can scroll inside when clamped. */
    max_height: number;
  };
  /** A fresh context token (after `context.request`, or proactively before the old one expires). */
  context: { context: string };
  /** Live changes from `handle.update()`. */
  update: { theme?: Theme; vars?: ThemeVars; locale?: string; view?: View };
}

/** Iframe → parent. Event names are message types too. */
export interface FrameMessages extends EventMap {
  hello: { protocol: number; view: View };
  /** Content height in CSS pixels, already rounded up. */
  resize: { height: number };
  /** The session expired; the iframe asks for a fresh context token. */
  'context.request': { reason: 'expired' | 'missing' };
}

export type Envelope<M, K extends keyof M = keyof M> = {
  [T in K]: { assay: typeof PROTOCOL_VERSION; id: string; type: T; payload: M[T] };
}[K];

export function envelope<M, K extends keyof M>(id: string, type: K, payload: M[K]): Envelope<M, K> {
  return { assay: PROTOCOL_VERSION, id, type, payload } as Envelope<M, K>;
}

/** Reads a message's data as an envelope for instance `id`; anything else is `null`. */
export function openEnvelope<M>(data: unknown, id: string): Envelope<M> | null {
  if (typeof data !== 'object' || data === null) return null;
  const d = data as { assay?: unknown; id?: unknown; type?: unknown; payload?: unknown };
  if (d.assay !== PROTOCOL_VERSION || d.id !== id || typeof d.type !== 'string') return null;
  if (typeof d.payload !== 'object' || d.payload === null) return null;
  return d as Envelope<M>;
}
