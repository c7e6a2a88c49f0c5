// The dashboard's Integrations: one card per provider the build knows (the connector registry), its
// state, the last webhook and write-back, the outbox jobs that are failing or dead (with Retry), and the
// connection's checks — the same `check` that `assay connections:check` prints.
import { hasFeature } from '../accounts/settings.ts';
import { ApiError, notFound } from '../errors.ts';
import type { Services } from '../services.ts';
import type { CheckFinding } from '../connectors/types.ts';
import type { ConnectionRow, OutboxJob } from '../store/types.ts';

export type IntegrationState = 'not_connected' | 'connected' | 'needs_attention';

export interface JobSummary {
  id: string;
  kind: string;
  status: 'failing' | 'dead';
  attempts: number;
  last_error: string | null;
  order_id: string | null;
  updated_at: string;
  /** A failing job's next automatic attempt (ISO); null for a dead one. */
  next_attempt_at: string | null;
}

/**
 * How a customer connects this provider from the dashboard: Kombo Connect (when the provider has set
 * up its Kombo environment), Greenhouse's form, Lever's Configure (OAuth consent), the StackOne / Recruitee
 * partner settings form — each when the provider has set up its side — else unavailable (ask the provider)
 * or, for a provider the dashboard cannot connect, by the provider's operator.
 */
export type ConnectHow = 'kombo_connect' | 'kombo_unavailable' | 'greenhouse_form' | 'lever_oauth' | 'partner_form' | 'unavailable' | 'operator' | 'not_in_plan';
export const CONNECT_HOW: ConnectHow[] = ['kombo_connect', 'kombo_unavailable', 'greenhouse_form', 'lever_oauth', 'partner_form', 'unavailable', 'operator', 'not_in_plan'];

export interface IntegrationCard {
  provider: string;
  state: IntegrationState;
  connect: ConnectHow;
  connections: {
    id: string;
    status: ConnectionRow['status'];
    created_at: string;
    last_webhook_at: string | null;
    last_write_back_at: string | null;
    jobs: JobSummary[];
  }[];
}

/** How many recent jobs of the account are looked at for the cards (the outbox keeps finished jobs). */
const RECENT = 500;

const summary = (j: OutboxJob): JobSummary => ({
  id: j.id,
  kind: j.kind,
  status: j.status === 'dead' ? 'dead' : 'failing',
  attempts: j.attempts,
  // Errors are stored without personal data (outbox worker); shown as stored.
  last_error: j.last_error,
  order_id: j.order_id,
  updated_at: j.updated_at,
  next_attempt_at: j.status === 'dead' ? null : new Date(j.next_attempt_at).toISOString(),
});

export async function listIntegrations(svc: Services, accountId: string): Promise<IntegrationCard[]> {
  const [account, connections, dead, pending, done] = await Promise.all([
    svc.store.accounts.get(accountId),
    svc.store.connections.listByAccount(accountId),
    svc.store.outbox.list({ accountId, status: 'dead', limit: RECENT }),
    svc.store.outbox.list({ accountId, status: 'pending', limit: RECENT }),
    svc.store.outbox.list({ accountId, status: 'done', kind: 'writeback', limit: RECENT }),
  ]);
  const troubled = [...dead, ...pending.filter((j) => j.attempts > 0 && j.last_error)];
  const cards: IntegrationCard[] = [];
  for (const provider of Object.keys(svc.connectors)) {
    const mine = connections.filter((c) => c.provider === provider && c.status !== 'revoked');
    const rows = await Promise.all(
      mine.map(async (c) => ({
        id: c.id,
        status: c.status,
        created_at: c.created_at,
        last_webhook_at: await svc.store.inbox.lastReceived(provider, c.id),
        last_write_back_at: done.find((j) => j.connection_id === c.id)?.updated_at ?? null,
        jobs: troubled.filter((j) => j.connection_id === c.id).map(summary),
      })),
    );
    const state: IntegrationState = rows.length === 0 ? 'not_connected' : rows.some((r) => r.status !== 'active' || r.jobs.length > 0) ? 'needs_attention' : 'connected';
    cards.push({ provider, state, connect: account && !hasFeature(account, provider) ? 'not_in_plan' : (svc.connectors[provider]?.dashboardConnect?.(svc) ?? 'operator'), connections: rows });
  }
  return cards;
}


async function ownConnection(svc: Services, accountId: string, id: string): Promise<ConnectionRow> {
  const c = await svc.store.connections.get(accountId, id);
  if (!c || c.status === 'revoked') throw notFound('connection');
  return c;
}

/** The connection's checks (calls our own endpoints and the vendor), as `assay connections:check` runs them. */
export async function checkConnection(svc: Services, accountId: string, id: string): Promise<{ ok: boolean; findings: CheckFinding[] }> {
  const c = await ownConnection(svc, accountId, id);
  const connector = svc.connectors[c.provider];
  if (!connector?.check) return { ok: true, findings: [] };
  const findings = await connector.check(svc, c);
  return { ok: findings.every((f) => f.ok), findings };
}

/** Retry: a dead job starts over, as `assay outbox:replay` does; a failing one is retried by the worker on its own. */
export async function retryJob(svc: Services, accountId: string, jobId: string, actor: string): Promise<void> {
  // The replay and its audit entry are written together or not at all.
  await svc.store.transaction(async (tx) => {
    const job = await tx.outbox.get(jobId, accountId);
    if (!job) throw notFound('job');
    if (job.status !== 'dead') {
      const why = job.status === 'done' ? 'This job has succeeded in the meantime.' : `This job is retried automatically; the next attempt is at ${new Date(job.next_attempt_at).toISOString()}.`;
      throw new ApiError(409, 'job_not_retryable', why);
    }
    if (!(await tx.outbox.replay(jobId, Date.now(), accountId))) throw new ApiError(409, 'job_not_retryable', 'This job is already being retried.');
    await tx.audit.add({ account_id: accountId, actor, action: 'outbox.retried', target: jobId, details: { kind: job.kind } });
  });
  svc.outbox.wake();
}
