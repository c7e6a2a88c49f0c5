// A Kombo order becomes our order (webhook or reconciliation alike): once per Kombo order id.
import { enqueueWriteBack, placeOrder, type Refusal } from '../../orders/place-order.ts';
import type { Services } from '../../services.ts';
import type { ConnectionRow, OrderRow, Repos } from '../../store/types.ts';
import { KomboClient } from './client.ts';
import type { KomboOrder } from './schemas.ts';
import { PROVIDER, settingsOf } from './settings.ts';

export type Ingested =
  | { kind: 'created'; order: OrderRow }
  | { kind: 'duplicate'; order: OrderRow }
  | { kind: 'refused'; refusal: Refusal; order: OrderRow | null };

/**
 * Maps Kombo's order onto ours: candidate by its ATS remote id, application_id = Kombo
 * application.remote_id (so the recruiter's widget for that application lists it), job by remote id.
 * placeOrder de-duplicates on the Kombo order id, mints the invitation and queues its e-mail in the
 * same transaction, so the answer we give after commit means "durably stored".
 */
export async function ingestOrder(svc: Services, connection: ConnectionRow, ko: KomboOrder, via: 'webhook' | 'reconcile'): Promise<Ingested> {
  const result = await svc.store.transaction((tx) => ingestOrderInTx(svc, tx, connection, ko, via));
  svc.outbox.wake();
  return result;
}

/** ingestOrder inside the caller's transaction (the webhook's, which records the delivery in the same unit). */
export async function ingestOrderInTx(svc: Services, tx: Repos, connection: ConnectionRow, ko: KomboOrder, via: 'webhook' | 'reconcile'): Promise<Ingested> {
  const account = await tx.accounts.get(connection.account_id);
  if (!account) throw new Error(`connection ${connection.id} has no account`);
  const integrationId = ko.integration_id ?? settingsOf(svc, connection).integrationId;
  const placed = await placeOrder(
    tx,
    svc.box,
    {
      account,
      source: 'kombo',
      sourceOrderId: ko.id,
      connectionId: connection.id,
      packageId: ko.package_id,
      candidate: {
        externalId: ko.candidate.remote_id ?? `kombo-order:${ko.id}`,
        email: ko.candidate.email ?? null,
        firstName: ko.candidate.first_name ?? null,
        lastName: ko.candidate.last_name ?? null,
        locale: null,
      },
      applicationId: ko.application?.remote_id ?? null,
      job: { id: ko.job?.remote_id ?? null, name: ko.job?.name ?? null },
      createdBy: `kombo:${integrationId ?? 'unknown'}`,
      meta: { kombo: { integration_id: integrationId, via, job_code: ko.job?.job_code ?? null } },
    },
    // A refused order is kept as `rejected` with its reason, so a re-delivery gets the same answer and
    // the recruiter's widget shows why.
    { recordRefusal: true },
  );
  if (placed.kind === 'refused' && placed.order && via === 'reconcile') {
    // No webhook to answer 422 to: close the order in the ATS instead, with the reason.
    await enqueueWriteBack(tx, placed.order, 'rejected');
  }
  // (A refusal with nothing stored is seen again on every reconciliation: audit it only when answered.)
  // placeOrder audits a creation itself; a refusal is audited here.
  if (placed.kind === 'refused' && (via === 'webhook' || placed.order)) {
    await tx.audit.add({
      account_id: account.id,
      actor: `kombo:${connection.id}`,
      action: 'order.refused',
      target: placed.order?.id ?? null,
      details: { kombo_order_id: ko.id, package_id: ko.package_id, via, code: placed.refusal.code },
    });
  }
  if (placed.kind === 'created') return { kind: 'created', order: placed.order };
  if (placed.kind === 'duplicate') return { kind: 'duplicate', order: placed.order };
  return { kind: 'refused', refusal: placed.refusal, order: placed.order };
}

export interface ReconcileReport {
  connection_id: string;
  open_seen: number;
  taken_in: number;
  refused: number;
  unreadable: number;
  pages: number;
}

const MAX_PAGES = 100;

/**
 * Pages through Kombo's OPEN orders and takes in any whose webhook never reached us (Kombo keeps an
 * order OPEN when our answer was not 2xx/422, or when the delivery was lost).
 */
export async function reconcile(svc: Services, connection: ConnectionRow): Promise<ReconcileReport> {
  const s = settingsOf(svc, connection);
  const client = new KomboClient({ baseUrl: s.baseUrl, apiKey: s.apiKey, integrationId: s.integrationId });
  const report: ReconcileReport = { connection_id: connection.id, open_seen: 0, taken_in: 0, refused: 0, unreadable: 0, pages: 0 };
  let cursor: string | null = null;
  do {
    const page = await client.listOrders({ statuses: 'OPEN', cursor, pageSize: 100 });
    report.pages++;
    report.unreadable += page.invalid;
    for (const ko of page.orders) {
      report.open_seen++;
      if (await svc.store.orders.findBySource(connection.account_id, 'kombo', ko.id)) continue;
      const r = await ingestOrder(svc, connection, ko, 'reconcile');
      if (r.kind === 'created') report.taken_in++;
      if (r.kind === 'refused') report.refused++;
    }
    cursor = page.next;
  } while (cursor && report.pages < MAX_PAGES);
  await svc.store.connectorState.put(connection.id, 'last_reconcile', { at: new Date().toISOString(), ...report });
  if (report.taken_in || report.refused || report.unreadable) svc.log.info('kombo reconciliation', { ...report });
  return report;
}
