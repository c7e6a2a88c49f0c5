import { sha256Hex } from '../crypto/secrets.ts';
import { renderInvitationEmail } from '../mail/invitation-email.ts';
import { extendedMinutes } from '../candidate/deadline.ts';
import { candidateLocale } from '../candidate/attempt.ts';
import type { PackageContent } from '../../shared/content/schema.ts';
import { PermanentError } from '../http/client.ts';
import type { Services } from '../services.ts';
import type { OutboxJob } from '../store/types.ts';
import { NotReadyError } from './worker.ts';

/** The invitation e-mail: rendered from the order as it is now, so a cancelled or re-sent order sends nothing stale. */
async function sendInvitation(svc: Services, job: OutboxJob): Promise<void> {
  const orderId = String(job.payload.order_id ?? '');
  const sealed = job.payload.token_sealed;
  if (typeof sealed !== 'string') return; // erased or already used: nothing left to send
  const order = await svc.store.orders.getById(orderId);
  if (!order) throw new PermanentError(`order ${orderId} no longer exists`);
  if (order.status !== 'pending' && order.status !== 'in_progress') return; // cancelled/expired before we got to it
  const token = svc.box.open(sealed);
  if (order.invite_token_hash !== sha256Hex(token)) return; // voided by a resend: the newer job sends the live link
  const [candidate, account, pkg] = await Promise.all([
    svc.store.candidates.get(order.account_id, order.candidate_id),
    svc.store.accounts.get(order.account_id),
    svc.store.packages.get(order.account_id, order.package_id),
  ]);
  if (!candidate?.email || !account || !pkg) throw new PermanentError('the order has no candidate e-mail, account or package any more');
  // The same language as candidate mode, with the package's name in it where the content has one.
  const locale = candidateLocale(candidate, account);
  const content = (await svc.store.packages.content(order.account_id, order.package_id, order.package_version)) as unknown as PackageContent | null;
  const mail = renderInvitationEmail({
    locale,
    company: account.settings.company_name ?? account.name,
    candidateFirstName: candidate.first_name,
    packageName: content?.translations?.[locale]?.name ?? pkg.name,
    durationMinutes: extendedMinutes(pkg.duration_minutes, order.extra_time_percent ?? 0),
    link: `${svc.config.publicUrl}/t/${token}`,
    expiresAt: new Date(order.expires_at ?? Date.now()),
  });
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
}

export function registerJobs(svc: Services): void {
  svc.outbox.register('email.invitation', (job) => sendInvitation(svc, job));
  svc.outbox.register('writeback', (job) => writeBack(svc, job));
  for (const c of Object.values(svc.connectors)) {
    for (const [kind, fn] of Object.entries(c.jobs ?? {})) svc.outbox.register(kind, (job) => fn(svc, job));
  }
}
