// The package list Kombo shows in the ATS: every active package of the account, pushed whole (PUT replaces).
import { connectorConfig } from '../../config.ts';
import type { Services } from '../../services.ts';
import type { ConnectionRow, OutboxJob, Repos, OrderRow } from '../../store/types.ts';
import { KomboClient, type KomboPackage, type KomboOrder } from './client.ts';
import { safeEqual } from '../../crypto/secrets.ts';
import { PROVIDER, settingsOf } from './settings.ts';
import { orderablePackages } from '../../orders/assessments.ts';
import { enqueueWriteBack, placeOrder, type Refusal } from '../../orders/place-order.ts';

export const PUSH_JOB = 'kombo.push_packages';

const KOMBO_TYPES = new Set<KomboPackage['type']>(['BEHAVIORAL', 'VIDEO_INTERVIEW', 'SKILLS_TEST', 'BACKGROUND_CHECK', 'REFERENCE_CHECK']);

export async function packageList(svc: Services, accountId: string): Promise<KomboPackage[]> {
  // Active packages and published assessments ("<job> — <package>", id asm_…): orders/assessments.ts.
  const rows = await orderablePackages(svc.store, accountId);
  return rows.map((p) => ({
    id: p.id,
    type: KOMBO_TYPES.has(p.type as KomboPackage['type']) ? (p.type as KomboPackage['type']) : 'SKILLS_TEST',
    name: p.name,
    // Kombo requires a description ("some ATSs will display this").
    description: p.description || p.name,
  }));
}

export const canPush = (c: ConnectionRow) => c.provider === PROVIDER && c.status === 'active' && typeof c.config.integration_id === 'string';

/** Pushes now; throws RetryableError / PermanentError as callVendor's failures do. */
export async function pushPackages(svc: Services, connection: ConnectionRow): Promise<{ count: number; warnings: string[] }> {
  const s = settingsOf(svc, connection);
  const list = await packageList(svc, connection.account_id);
  const { warnings } = await new KomboClient({ baseUrl: s.baseUrl, apiKey: s.apiKey, integrationId: s.integrationId }).putPackages(list);
  await svc.store.transaction((tx) => tx.connectorState.put(connection.id, 'packages_pushed', { at: new Date().toISOString(), ids: list.map((p) => p.id), warnings }));
  for (const w of warnings) svc.log.info('kombo package warning', { connection: connection.id, warning: w.slice(0, 300) });
  return { count: list.length, warnings };
}

/** Queues a push in the caller's transaction; the job reads the package list when it runs, so it is never stale. */
export async function enqueuePush(tx: Repos, connection: ConnectionRow): Promise<void> {
  await tx.outbox.enqueue({
    account_id: connection.account_id,
    kind: PUSH_JOB,
    connection_id: connection.id,
    payload: { connection_id: connection.id },
    idempotency_key: `kombo-packages:${connection.id}:${Date.now()}`,
  });
}

/** Tries at once (so the CLI can say so); if Kombo cannot be reached, the outbox retries it. */
export async function pushNowOrQueue(svc: Services, connection: ConnectionRow): Promise<{ pushed: boolean; count?: number; error?: string }> {
  try {
    const r = await pushPackages(svc, connection);
    return { pushed: true, count: r.count };
  } catch (err) {
    await svc.store.transaction((tx) => enqueuePush(tx, connection));
    svc.outbox.wake();
    svc.log.warn('kombo package push queued for retry', { connection: connection.id, error: (err as Error).message.slice(0, 300) });
    return { pushed: false, error: (err as Error).message };
  }
}

export async function runPushJob(svc: Services, job: OutboxJob): Promise<void> {
  const connection = await svc.store.connections.getById(String(job.payload.connection_id ?? ''));
  if (!connection || !canPush(connection)) return; // removed, revoked or not bound yet: nothing to push to
  await pushPackages(svc, connection);
}

// A Kombo order becomes our order (webhook or reconciliation alike): once per Kombo order id.

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
  await svc.store.transaction((tx) => tx.connectorState.put(connection.id, 'last_reconcile', { at: new Date().toISOString(), ...report }));
  if (report.taken_in || report.refused || report.unreadable) svc.log.info('kombo reconciliation', { ...report });
  return report;
}

/** How often open orders are reconciled (ms); KOMBO_RECONCILE_MS makes it fast in tests. */
export const RECONCILE_MS = connectorConfig().komboReconcileMs;

export async function reconcileAll(svc: Services): Promise<void> {
  for (const c of await svc.store.connections.listByProvider(PROVIDER, 'active')) {
    if (!canPush(c)) continue;
    try {
      await reconcile(svc, c);
    } catch (err) {
      svc.log.warn('kombo reconciliation failed', { connection: c.id, error: (err as Error).message.slice(0, 300) });
    }
  }
}

/** A new (or newly bound) connection gets the package list at once. */
export async function onConnected(svc: Services, connection: ConnectionRow): Promise<void> {
  if (canPush(connection)) await pushNowOrQueue(svc, connection);
}

/** The account's packages changed: every Kombo connection of it gets the new list (through the outbox). */
export async function onPackagesChanged(svc: Services, accountId: string): Promise<void> {
  const targets = (await svc.store.connections.listByAccount(accountId)).filter(canPush);
  if (!targets.length) return;
  await svc.store.transaction(async (tx) => {
    for (const c of targets) await enqueuePush(tx, c);
  });
  svc.outbox.wake();
}

// Binding a Kombo integration to its account: from the embedded connect flow (routes.ts) and the
// integration-created webhook (webhook.ts).
export type BindResult =
  | { kind: 'bound'; connection: ConnectionRow }
  | { kind: 'already'; connection: ConnectionRow }
  | { kind: 'ignored'; reason: string };

/**
 * Binds a Kombo integration to the account whose id Kombo echoes as origin id, on that account's own
 * pending invitation, never by an organisation name. `sameEnvironmentAs` (the connection whose secret
 * verified the webhook) must share the pending connection's webhook secret, so one Kombo environment
 * can never bind into another's invitation. Queues the package push in the same transaction.
 */
export async function bindIntegration(
  svc: Services,
  input: { originId: string | null | undefined; integrationId: string; tool: string | null; via: string; sameEnvironmentAs?: ConnectionRow },
): Promise<BindResult> {
  const result = await svc.store.transaction((tx) => bindIntegrationInTx(svc, tx, input));
  if (result.kind === 'bound') svc.outbox.wake();
  return result;
}

/** bindIntegration inside the caller's transaction (the webhook's, which records the delivery in the same unit). */
export async function bindIntegrationInTx(
  svc: Services,
  tx: Repos,
  input: { originId: string | null | undefined; integrationId: string; tool: string | null; via: string; sameEnvironmentAs?: ConnectionRow },
): Promise<BindResult> {
  const originId = input.originId;
  if (!originId) return { kind: 'ignored', reason: 'the integration has no origin id, so it belongs to no account of ours' };
  const envSecret = input.sameEnvironmentAs ? settingsOf(svc, input.sameEnvironmentAs).webhookSecret : null;
  const all = await tx.connections.listByProvider(PROVIDER);
  const existing = all.find((c) => c.config.integration_id === input.integrationId && c.status !== 'revoked');
  if (existing) {
    if (existing.account_id !== originId) return { kind: 'ignored', reason: 'this integration is bound to another account already' };
    return { kind: 'already', connection: existing };
  }
  const account = await tx.accounts.get(originId);
  if (!account) return { kind: 'ignored', reason: 'no account has this origin id' };
  const pending = (await tx.connections.listByAccount(account.id))
    .filter((c) => c.provider === PROVIDER && c.status === 'pending' && !c.config.integration_id)
    .filter((c) => !c.config.tool || !input.tool || c.config.tool === input.tool)
    .filter((c) => envSecret === null || safeEqual(settingsOf(svc, c).webhookSecret, envSecret))
    .sort((a, b) => b.created_at.localeCompare(a.created_at));
  const target = pending[0];
  if (!target) return { kind: 'ignored', reason: 'the account has no open Kombo invitation from this Kombo environment' };
  const config = { ...target.config, integration_id: input.integrationId, tool: input.tool ?? target.config.tool ?? input.integrationId.split(':')[0], bound: { at: new Date().toISOString(), via: input.via } };
  await tx.connections.update(account.id, target.id, { status: 'active', config });
  const bound: ConnectionRow = { ...target, status: 'active', config };
  await tx.audit.add({ account_id: account.id, actor: `kombo:${input.via}`, action: 'connection.bound', target: target.id, details: { provider: PROVIDER, integration_id: input.integrationId } });
  await enqueuePush(tx, bound);
  return { kind: 'bound', connection: bound };
}
