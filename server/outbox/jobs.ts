import { sha256Hex } from '../crypto/secrets.ts';
import { renderInvitationEmail } from '../mail/invitation-email.ts';
import { extendedMinutes } from '../candidate/deadline.ts';
import { candidateLocale } from '../candidate/attempt.ts';
import type { PackageContent } from '../../shared/content/schema.ts';
import { PermanentError } from '../http/client.ts';
import { redact } from '../log.ts';
import type { Services } from '../services.ts';
import type { OrderRow, OutboxJob, Repos } from '../store/types.ts';
import { NotReadyError } from './worker.ts';
import { actor, CANCEL_FINAL_JOB, finaliseCancel, transition } from '../orders/transition.ts';
import { PASSWORD_LINK_JOB, sendPasswordLink } from '../dashboard/team.ts';
import { forgetAfterWriteBack } from '../candidates/erase-candidate.ts';

/** The invitation e-mail: rendered from the order as it is now, so a cancelled or re-sent order sends nothing stale. */
async function sendInvitation(svc: Services, job: OutboxJob): Promise<void> {
  const orderId = String(job.payload.order_id ?? '');
  const sealed = job.payload.token_sealed;
  if (typeof sealed !== 'string') return; // erased or already used: nothing left to send
  // What the e-mail needs, read in one unit of work: on SQLite each read outside one is a savepoint and a turn
  // of the store's lock of its own, and invitations are sent while webhooks arrive (issue 19's ingest profile).
  const found = await svc.store.transaction(async (tx) => {
    const order = await tx.orders.getById(orderId);
    if (!order) throw new PermanentError(`order ${orderId} no longer exists`);
    if (order.status !== 'pending' && order.status !== 'in_progress') return null; // cancelled/expired before we got to it
    const token = svc.box.open(sealed);
    if (order.invite_token_hash !== sha256Hex(token)) return null; // voided by a resend: the newer job sends the live link
    const candidate = await tx.candidates.get(order.account_id, order.candidate_id);
    const account = await tx.accounts.get(order.account_id);
    const pkg = await tx.packages.get(order.account_id, order.package_id);
    if (!candidate?.email || !account || !pkg) throw new PermanentError('the order has no candidate e-mail, account or package any more');
    const content = (await tx.packages.content(order.account_id, order.package_id, order.package_version)) as unknown as PackageContent | null;
    return { order, token, candidate: { ...candidate, email: candidate.email }, account, pkg, content };
  });
  if (!found) return;
  const { order, token, candidate, account, pkg, content } = found;
  // The same language as candidate mode, with the package's name in it where the content has one.
  const locale = candidateLocale(candidate, account);
  const mail = renderInvitationEmail({
    locale,
    company: account.settings.company_name ?? account.name,
    candidateFirstName: candidate.first_name,
    packageName: content?.translations?.[locale]?.name ?? pkg.name,
    durationMinutes: extendedMinutes(pkg.duration_minutes, order.extra_time_percent),
    link: `${svc.config.publicUrl}/t/${token}`,
    expiresAt: new Date(order.expires_at ?? Date.now()),
  });
  // The mailer's errors come redacted (an SMTP refusal quotes the address); the worker redacts every stored error.
  await svc.mailer.send({ to: candidate.email, ...mail, tag: order.id });
}

/** Dispatches a write-back to the connector of the order's source; waits (does not fail) if it is not there yet. */
async function writeBack(svc: Services, job: OutboxJob): Promise<void> {
  const order = await svc.store.orders.getById(String(job.payload.order_id ?? ''));
  if (!order) throw new PermanentError('the order no longer exists');
  const connector = svc.connectors[order.source];
  if (!connector?.writeBack) throw new NotReadyError(`no connector for "${order.source}" can write results back yet`);
  if (!order.connection_id) throw new PermanentError('the order has no connection to write back to');
  const connection = await svc.store.connections.get(order.account_id, order.connection_id);
  if (!connection) throw new PermanentError('the connection of this order was removed');
  if (connection.status === 'revoked') throw new PermanentError('the connection was revoked; nothing is written any more');
  await connector.writeBack(svc, job, order, connection);
  // A connector may have recorded its own note (e.g. Kombo: the order was closed there first); otherwise: written.
  await settleWriteBack(svc, order.id, { writeback_state: 'written', writeback_note: null }, order.writeback_at);
}

/**
 * Records how an order's write-back ended (unless a note was recorded since `seenAt`, when given) and, if its
 * candidate was erased meanwhile, forgets the ATS ids the write-back needed: one transaction.
 */
async function settleWriteBack(svc: Services, orderId: string, state: Pick<OrderRow, 'writeback_state' | 'writeback_note'>, seenAt?: string | null): Promise<void> {
  await svc.store.transaction((tx) => settleWriteBackInTx(tx, orderId, state, seenAt));
}

async function settleWriteBackInTx(tx: Repos, orderId: string, state: Pick<OrderRow, 'writeback_state' | 'writeback_note'>, seenAt?: string | null): Promise<void> {
  const order = await tx.orders.getById(orderId);
  if (!order) return;
  if (seenAt === undefined || order.writeback_at === seenAt) await tx.orders.update(order.account_id, order.id, { ...state, writeback_at: new Date().toISOString() });
  await forgetAfterWriteBack(tx, order);
}

/**
 * The invitation can never be sent: the order can never be delivered, so it becomes `failed` (and the ATS is
 * told) — in the unit of work that marks the job dead (JobOptions.onDead).
 */
async function invitationDead(tx: Repos, job: OutboxJob, e: Error): Promise<void> {
  const order = await tx.orders.getById(String(job.payload.order_id ?? ''));
  if (!order || order.status !== 'pending') return;
  await transition(tx, order, 'failed', { reason: 'The invitation e-mail could not be delivered.', actor: actor.system('outbox'), details: { job: job.id, error: redact(e.message).slice(0, 200) } });
}

/** The ATS refused the write-back for good: recorded as the order's write-back state (its status stays what it is), with the job's death. */
async function writeBackDead(tx: Repos, job: OutboxJob, e: Error): Promise<void> {
  await settleWriteBackInTx(tx, String(job.payload.order_id ?? ''), { writeback_state: 'failed', writeback_note: e.message.slice(0, 500) });
}

export function registerJobs(svc: Services): void {
  svc.outbox.register('email.invitation', (job) => sendInvitation(svc, job), { onDead: invitationDead });
  svc.outbox.register(PASSWORD_LINK_JOB, (job) => sendPasswordLink(svc, job));
  svc.outbox.register('writeback', (job) => writeBack(svc, job), { onDead: writeBackDead });
  svc.outbox.register(CANCEL_FINAL_JOB, async (job) => {
    const p = job.payload as { order_id?: string; cancelled_at?: string };
    if (!job.account_id || !p.order_id || !p.cancelled_at) throw new PermanentError('the job names no order');
    await svc.store.transaction((tx) => finaliseCancel(tx, job.account_id!, p.order_id!, p.cancelled_at!));
    svc.outbox.wake();
  });
  for (const c of Object.values(svc.connectors)) {
    for (const [kind, fn] of Object.entries(c.jobs ?? {})) svc.outbox.register(kind, (job) => fn(svc, job));
  }
}
