import { isUsableEmail, type OrderSource } from '../../shared/api.ts';
import { sha256Hex, type SecretBox } from '../crypto/secrets.ts';
import { newId, randomToken } from '../ids.ts';
import { WRITEBACK_MAX_ATTEMPTS } from '../outbox/backoff.ts';
import { resolveOrderable } from './assessments.ts';
import type { AccountRow, CandidateRow, Json, OrderRow, Repos } from '../store/types.ts';

export const DEFAULT_INVITATION_DAYS = 7;

/** The refusal for a candidate without a usable e-mail; the widget session shows it before Send. */
export const EMAIL_MISSING = { code: 'candidate_email_missing', message: 'This candidate has no usable e-mail address in the ATS; add one and send the test again.' } as const;

export interface OrderRequest {
  account: AccountRow;
  source: OrderSource;
  /** The source's own order id: a re-delivered order can never be stored twice. Widget orders use their own id. */
  sourceOrderId?: string;
  connectionId?: string | null;
  packageId: string;
  candidate: { externalId: string; email: string | null; firstName: string | null; lastName: string | null; locale: string | null };
  applicationId: string | null;
  job: { id: string | null; name: string | null };
  createdBy: string | null;
  /**
   * Who placed it, for the creation audit entry placeOrder writes itself (the format of `actor` in
   * orders/transition.ts). Default: `<source>:<connection id>` for a connector's order, else `system:<source>`.
   */
  actor?: string;
  meta?: Json;
  /** Extra time as an accommodation, percent added to each test's duration (validated by the caller); default: the assessment's. */
  extraTimePercent?: number;
}

/** Every reason placeOrder refuses an order (each route answers them 422; /openapi.json lists them). */
export const REFUSAL_CODES = ['package_unknown', 'package_inactive', 'candidate_email_missing', 'order_already_active'] as const;

export interface Refusal {
  code: (typeof REFUSAL_CODES)[number];
  message: string;
}

export type PlaceResult =
  | { kind: 'created'; order: OrderRow; candidate: CandidateRow }
  | { kind: 'duplicate'; order: OrderRow }
  | { kind: 'refused'; refusal: Refusal; order: OrderRow | null };

/**
 * The one way an order comes to be, whatever its flow: refusals checked, order stored once per source
 * order id, invitation token minted (only its hash kept) and the e-mail queued in the same transaction.
 * With `recordRefusal`, a refused order is stored as `rejected` with its reason (for flows where the
 * recruiter must see it later, e.g. StackOne); otherwise nothing is written.
 */
export async function placeOrder(tx: Repos, box: SecretBox, req: OrderRequest, opts: { recordRefusal?: boolean; now?: Date } = {}): Promise<PlaceResult> {
  const now = opts.now ?? new Date();
  if (req.sourceOrderId) {
    const existing = await tx.orders.findBySource(req.account.id, req.source, req.sourceOrderId);
    if (existing) return { kind: 'duplicate', order: existing };
  }
  // An assessment id (asm_…, a package published for a job from the dashboard) orders its package with its defaults.
  const orderable = await resolveOrderable(tx, req.account.id, req.packageId);
  const asm = orderable.kind === 'assessment' ? orderable.assessment : null;
  const packageId = orderable.kind === 'assessment' || orderable.kind === 'package' ? orderable.packageId : req.packageId;
  const pkg = orderable.kind === 'unknown' ? null : await tx.packages.get(req.account.id, orderable.kind === 'unpublished' ? orderable.assessment.package_id : packageId);
  const job = asm && !req.job.id && !req.job.name ? { id: asm.job_id, name: asm.job_name } : req.job;
  const candidate = await tx.candidates.upsert({
    account_id: req.account.id,
    source: req.source === 'widget' ? 'ats' : req.source,
    external_id: req.candidate.externalId,
    email: req.candidate.email?.trim() || null,
    first_name: req.candidate.firstName,
    last_name: req.candidate.lastName,
    locale: req.candidate.locale,
  });
  let refusal: Refusal | null = null;
  if (orderable.kind === 'unpublished') refusal = { code: 'package_inactive', message: `The assessment "${orderable.name}" was unpublished and can no longer be sent.` };
  else if (!pkg) refusal = { code: 'package_unknown', message: `The package "${req.packageId}" does not exist for this company.` };
  else if (!pkg.active) refusal = { code: 'package_inactive', message: `The package "${pkg.name}" is no longer active and cannot be sent.` };
  else if (!isUsableEmail(candidate.email)) {
    refusal = { ...EMAIL_MISSING };
  } else {
    const active = await tx.orders.findActive(req.account.id, candidate.id, req.applicationId, pkg.id);
    if (active) refusal = { code: 'order_already_active', message: `"${pkg.name}" was already sent to this candidate and is not finished yet.` };
  }
  const id = newId('ord');
  const base = {
    id,
    account_id: req.account.id,
    source: req.source,
    source_order_id: req.sourceOrderId ?? id,
    connection_id: req.connectionId ?? null,
    package_id: pkg?.id ?? packageId,
    package_version: pkg?.version ?? 0,
    candidate_id: candidate.id,
    application_id: req.applicationId,
    job_id: job.id,
    job_name: job.name,
    started_at: null,
    deadline_at: null,
    completed_at: null,
    created_by: req.createdBy,
    meta: asm ? { ...(req.meta ?? {}), assessment_id: asm.id } : (req.meta ?? {}),
    extra_time_percent: req.extraTimePercent ?? asm?.extra_time_percent ?? 0,
  };
  if (refusal) {
    if (!opts.recordRefusal || !pkg) return { kind: 'refused', refusal, order: null };
    const { order } = await tx.orders.insertOnce({ ...base, status: 'rejected', reason: refusal.message, invite_token_hash: null, invited_at: null, expires_at: null });
    return { kind: 'refused', refusal, order };
  }
  const token = randomToken();
  const days = asm?.invitation_days ?? req.account.settings.invitation_days ?? DEFAULT_INVITATION_DAYS;
  const { order, created } = await tx.orders.insertOnce({
    ...base,
    status: 'pending',
    reason: null,
    invite_token_hash: sha256Hex(token),
    invited_at: now.toISOString(),
    expires_at: new Date(now.getTime() + days * 86_400_000).toISOString(),
  });
  if (!created) return { kind: 'duplicate', order };
  await enqueueInvitation(tx, box, order, token);
  await tx.audit.add({
    account_id: order.account_id,
    actor: req.actor ?? (req.connectionId ? `${req.source}:${req.connectionId}` : `system:${req.source}`),
    action: 'order.created',
    target: order.id,
    details: { package_id: order.package_id, source: order.source },
  });
  return { kind: 'created', order, candidate };
}

/** The raw token travels to the mail job sealed, and is dropped from the job once sent. */
export async function enqueueInvitation(tx: Repos, box: SecretBox, order: OrderRow, token: string): Promise<void> {
  await tx.outbox.enqueue({
    account_id: order.account_id,
    kind: 'email.invitation',
    order_id: order.id,
    payload: { order_id: order.id, token_sealed: box.seal(token) },
    // The order holds the token's hash already (placeOrder, reissueInvitation): not hashed a second time.
    idempotency_key: `invite:${order.id}:${(order.invite_token_hash ?? sha256Hex(token)).slice(0, 16)}`,
  });
}

/** Resend: a new token voids the old one; the new e-mail goes through the outbox. */
export async function reissueInvitation(tx: Repos, box: SecretBox, account: AccountRow, order: OrderRow, now = new Date()): Promise<OrderRow> {
  const token = randomToken();
  const days = account.settings.invitation_days ?? DEFAULT_INVITATION_DAYS;
  const patch = {
    invite_token_hash: sha256Hex(token),
    invited_at: now.toISOString(),
    expires_at: order.status === 'pending' ? new Date(now.getTime() + days * 86_400_000).toISOString() : order.expires_at,
  };
  await tx.orders.update(account.id, order.id, patch);
  const updated = { ...order, ...patch };
  await enqueueInvitation(tx, box, updated, token);
  return updated;
}

/** Queues the write-back of a state change to the ATS the order came from (a no-op for widget-only orders). */
export async function enqueueWriteBack(tx: Repos, order: OrderRow, event: 'completed' | 'cancelled' | 'expired' | 'rejected', opts: { key?: string } = {}): Promise<void> {
  if (order.source === 'widget' && !order.connection_id) return;
  await tx.outbox.enqueue({
    account_id: order.account_id,
    kind: 'writeback',
    connection_id: order.connection_id,
    order_id: order.id,
    payload: { order_id: order.id, event, provider: order.source },
    idempotency_key: `writeback:${order.id}:${event}${opts.key ? `:${opts.key}` : ''}`,
    max_attempts: WRITEBACK_MAX_ATTEMPTS, // survives an hour-long ATS outage (see backoff.ts)
  });
}
