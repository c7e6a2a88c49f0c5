// The order lifecycle after placeOrder: the only way an order's status changes. One table says which
// moves exist; transition() owns what each move means besides the status — the candidate link's fate,
// the write-back to the order's source and the audit entry (one actor format, see `actor`).
import { ACTIVE_STATUSES } from '../../shared/api.ts';
import { ApiError } from '../errors.ts';
import type { Json, OrderRow, Repos } from '../store/types.ts';
import { enqueueWriteBack } from './place-order.ts';

export type OrderStatus = OrderRow['status'];

/**
 * Who asked, always `<kind>:<id>`: `recruiter:<ATS user>`, `candidate:<candidate id>`, `<provider>:<connection id>`
 * for a connector acting on its vendor's word, `system:<task>` for Assay's own work.
 */
export const actor = {
  recruiter: (sub: string) => `recruiter:${sub}`,
  candidate: (candidateId: string) => `candidate:${candidateId}`,
  connection: (provider: string, connectionId: string) => `${provider}:${connectionId}`,
  system: (task: 'expiry' | 'outbox' | 'erasure') => `system:${task}`,
};

/**
 * The moves. `failed` is an order that can never be delivered: its invitation was dead-lettered, or the ATS
 * refused, for good, to hear about it. `cancelled → pending | in_progress` is the recruiter's undo, allowed
 * only within UNDO_CANCEL_WINDOW_MS and while the candidate link was kept (see undoCancel).
 */
const TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending: ['in_progress', 'completed', 'expired', 'cancelled', 'failed'],
  in_progress: ['completed', 'expired', 'cancelled', 'failed'],
  cancelled: ['pending', 'in_progress'],
  completed: [],
  expired: [],
  rejected: [],
  failed: [],
};

/** How long a recruiter's cancel can be undone; the candidate link is revoked for good once it passes. */
export const UNDO_CANCEL_WINDOW_MS = 10_000;

export interface TransitionOptions {
  reason: string | null;
  actor: string;
  /** Other columns that change with the status (completed_at, started_at, deadline_at …). */
  patch?: Partial<Pick<OrderRow, 'completed_at' | 'started_at' | 'deadline_at'>>;
  /** A recruiter's cancel: the link is kept and the ATS told only when the undo window has passed. */
  undoable?: boolean;
  /** Written to the audit entry (ids and counts only, never personal data). */
  details?: Json;
  now?: Date;
}

/** The write-back event a status is reported to the ATS as (null: nothing to tell). */
function writeBackEvent(to: OrderStatus): 'completed' | 'cancelled' | 'expired' | null {
  if (to === 'completed') return 'completed';
  if (to === 'expired') return 'expired';
  // An undeliverable order is closed in the ATS as cancelled, with our reason.
  if (to === 'cancelled' || to === 'failed') return 'cancelled';
  return null;
}

/**
 * Moves `order` to `to` inside the caller's transaction; returns the order as it now is. Throws 409
 * `invalid_transition` for a move the table does not have. Moving to the status it already has is a no-op.
 */
export async function transition(tx: Repos, order: OrderRow, to: OrderStatus, opts: TransitionOptions): Promise<OrderRow> {
  if (order.status === to) return order;
  if (!TRANSITIONS[order.status].includes(to)) {
    throw new ApiError(409, 'invalid_transition', `This order is ${order.status.replace('_', ' ')} and cannot become ${to.replace('_', ' ')}.`);
  }
  const now = opts.now ?? new Date();
  const patch: Partial<OrderRow> = { status: to, ...(opts.patch ?? {}) };
  // The reason belongs to the status it explains: every move sets it (an undone cancel clears its own).
  patch.reason = opts.reason;
  // The candidate link: kept where the candidate page should say what became of the test (completed,
  // expired, a cancel that may still be undone); revoked where the order is gone for good.
  if (to === 'failed' || (to === 'cancelled' && !opts.undoable)) patch.invite_token_hash = null;
  if (to === 'cancelled') patch.meta = { ...order.meta, cancelled_from: order.status, cancelled_at: now.toISOString(), undoable: !!opts.undoable };
  if (order.status === 'cancelled') {
    const { cancelled_from: _f, cancelled_at: _a, undoable: _u, ...meta } = order.meta;
    patch.meta = meta;
  }
  await tx.orders.update(order.account_id, order.id, patch);
  const next = { ...order, ...patch } as OrderRow;

  const event = writeBackEvent(to);
  if (to === 'cancelled' && opts.undoable) {
    // Neither the link nor the ATS is touched until the undo window has passed (finaliseCancel).
    await tx.outbox.enqueue({
      account_id: order.account_id,
      kind: CANCEL_FINAL_JOB,
      order_id: order.id,
      payload: { order_id: order.id, cancelled_at: now.toISOString() },
      idempotency_key: `cancel-final:${order.id}:${now.toISOString()}`,
      run_at: now.getTime() + UNDO_CANCEL_WINDOW_MS,
    });
  } else if (event) {
    // A cancel can be undone and come again: each one is its own write-back.
    await enqueueWriteBack(tx, next, event, { key: event === 'cancelled' ? now.toISOString() : undefined });
  }
  const action = order.status === 'cancelled' ? 'order.restored' : to === 'in_progress' ? 'order.started' : `order.${to}`;
  await tx.audit.add({ account_id: order.account_id, actor: opts.actor, action, target: order.id, details: { from: order.status, to, ...(opts.details ?? {}) } });
  return next;
}

/**
 * The recruiter's undo: a cancelled order returns to the status it had, if it was cancelled undoably less
 * than UNDO_CANCEL_WINDOW_MS ago and its link was kept. Its delayed write-back then finds the order open
 * again and tells the ATS nothing.
 */
export async function undoCancel(tx: Repos, order: OrderRow, opts: { actor: string; now?: Date }): Promise<OrderRow> {
  const now = opts.now ?? new Date();
  const meta = order.meta as { cancelled_from?: OrderStatus; cancelled_at?: string; undoable?: boolean };
  const from = meta.cancelled_from;
  const age = meta.cancelled_at ? now.getTime() - Date.parse(meta.cancelled_at) : Infinity;
  if (order.status !== 'cancelled' || !meta.undoable || !from || !ACTIVE_STATUSES.includes(from) || !order.invite_token_hash || !(age >= 0 && age <= UNDO_CANCEL_WINDOW_MS)) {
    throw new ApiError(409, 'undo_not_possible', 'This cancellation can no longer be undone; order the test again instead.');
  }
  return transition(tx, order, from, { reason: null, actor: opts.actor, now, details: { undo: true } });
}

export const CANCEL_FINAL_JOB = 'order.cancel_final';

/**
 * Runs when a recruiter's cancel can no longer be undone: the candidate link is revoked for good and the ATS
 * told. Does nothing if the cancel was undone (or cancelled again later: that one has its own job).
 */
export async function finaliseCancel(tx: Repos, accountId: string, orderId: string, cancelledAt: string): Promise<boolean> {
  const o = await tx.orders.get(accountId, orderId);
  const meta = (o?.meta ?? {}) as { cancelled_at?: string };
  if (!o || o.status !== 'cancelled' || meta.cancelled_at !== cancelledAt) return false;
  await tx.orders.update(o.account_id, o.id, { invite_token_hash: null, meta: { ...o.meta, undoable: false } });
  await enqueueWriteBack(tx, o, 'cancelled', { key: cancelledAt });
  return true;
}
