// The Harvest sync: what the connector needs from Greenhouse, fetched incrementally and resumably.
//   1. jobs (updated since the last complete run)      → job objects
//   2. the stages of each of those jobs                 → stage objects; vanished stages lose their mapping
//   3. the candidates of our orders, with their applications → application objects, orders linked to
//      their application and job, outcomes reconciled, contact data refreshed on our candidate rows
// Each page is stored together with the cursor (the next Link URL and the work still queued) in one
// transaction, so an interrupted run continues where it stopped and never stores anything twice.
import { connectorConfig } from '../../config.ts';
import type { Services } from '../../services.ts';
import type { ConnectionRow, Repos } from '../../store/types.ts';
import { applicationObject, arr, idOf, jobObject, KIND, obj, ordersOfGhCandidate, outcomeOfStatus, pickEmail, recordOutcome, replaceJobStages, stageObject, strOf, dropStages, type ApplicationObject, type CandidateObject, type StageObject, BudgetExhausted, HarvestClient, HarvestError } from './client.ts';
import { PROVIDER, settingsOf } from './settings.ts';
import { PermanentError, RetryableError } from '../../http/client.ts';
import type { Connector } from '../types.ts';

export const SYNC_STATE_KEY = 'harvest.sync';
export const LAST_SYNC_KEY = 'harvest.last_sync';
const CANDIDATE_BATCH = 50;
/** An outbox job holds its lease for two minutes: its Harvest calls stop after one. */
const JOB_BUDGET_MS = 60_000;

interface SyncState {
  phase: 'jobs' | 'stages' | 'candidates' | 'done';
  /** The next page of the current listing (as Greenhouse's Link gave it); null = start the listing. */
  next: string | null;
  started_at: string;
  /** Lower bound for `updated_after` (the start of the last complete run); null = everything. */
  since: string | null;
  per_page: number;
  jobs_todo: string[];
  /** Stage ids of the current job seen on earlier pages. */
  stages_seen: string[];
  candidates_todo: string[];
  pages: number;
  completed_at?: string | null;
}

export interface SyncReport {
  done: boolean;
  resumed: boolean;
  phase: SyncState['phase'];
  pages: number;
  requests: number;
  rate_limited: number;
  waited_ms: number;
  jobs: number;
  stages: number;
  candidates: number;
  applications: number;
  orders_linked: number;
  stopped_because: string | null;
}

export interface SyncOptions {
  perPage?: number;
  /** Stop (resumably) after this long; default: run to the end. */
  budgetMs?: number | null;
  /** Forget the cursor and the incremental bound: fetch everything again. */
  full?: boolean;
  sleep?: (ms: number) => Promise<void>;
}

export function harvestClientFor(svc: Services, connection: ConnectionRow, opts: { deadlineAt?: number | null; sleep?: (ms: number) => Promise<void> } = {}): HarvestClient | null {
  const s = settingsOf(svc, connection);
  if (!s.harvestApiKey) return null;
  return new HarvestClient({ baseUrl: s.baseUrl, apiKey: s.harvestApiKey, deadlineAt: opts.deadlineAt ?? null, sleep: opts.sleep });
}

export async function runHarvestSync(svc: Services, connection: ConnectionRow, opts: SyncOptions = {}): Promise<SyncReport> {
  const client = harvestClientFor(svc, connection, { deadlineAt: opts.budgetMs ? Date.now() + opts.budgetMs : null, sleep: opts.sleep });
  if (!client) throw new HarvestError(0, 'This Greenhouse connection has no harvest_api_key; add one to sync.');
  const cs = svc.store.connectorState;
  const perPage = Math.min(500, Math.max(1, opts.perPage ?? 100));
  let st = await cs.get<SyncState>(connection.id, SYNC_STATE_KEY);
  const resumed = !!st && st.phase !== 'done' && !opts.full;
  if (!resumed) {
    const last = opts.full ? null : await cs.get<{ since: string }>(connection.id, LAST_SYNC_KEY);
    st = { phase: 'jobs', next: null, started_at: new Date().toISOString(), since: last?.since ?? null, per_page: perPage, jobs_todo: [], stages_seen: [], candidates_todo: [], pages: 0 };
    await svc.store.transaction((tx) => tx.connectorState.put(connection.id, SYNC_STATE_KEY, st));
  }
  let state = st!;
  const counts = { jobs: 0, stages: 0, candidates: 0, applications: 0, orders_linked: 0 };
  const save = (tx: Repos, next: SyncState) => tx.connectorState.put(connection.id, SYNC_STATE_KEY, next);
  let stopped: string | null = null;
  try {
    while (state.phase !== 'done') {
      if (state.phase === 'jobs') {
        const url = state.next ?? client.url('/jobs', { per_page: state.per_page, updated_after: state.since });
        const page = await client.page(url);
        state = await svc.store.transaction(async (tx) => {
          const ids: string[] = [];
          for (const j of page.items.map(obj)) {
            const job = jobObject(j);
            if (!job) continue;
            await tx.connectorState.upsertObject(connection.id, KIND.job, job.id, job);
            ids.push(job.id);
          }
          counts.jobs += ids.length;
          const next: SyncState = { ...state, jobs_todo: [...state.jobs_todo, ...ids.filter((i) => !state.jobs_todo.includes(i))], next: page.next, phase: page.next ? 'jobs' : 'stages', pages: state.pages + 1 };
          await save(tx, next);
          return next;
        });
      } else if (state.phase === 'stages') {
        const jobId = state.jobs_todo[0];
        if (!jobId) {
          const cands = await cs.listObjects<CandidateObject>(connection.id, KIND.candidate);
          const next: SyncState = { ...state, phase: 'candidates', next: null, candidates_todo: cands.map((c) => c.external_id) };
          await svc.store.transaction((tx) => tx.connectorState.put(connection.id, SYNC_STATE_KEY, next));
          state = next;
          continue;
        }
        let page: { items: Record<string, unknown>[]; next: string | null };
        try {
          page = await client.page(state.next ?? client.url(`/jobs/${jobId}/stages`, { per_page: state.per_page }));
        } catch (err) {
          if (!(err instanceof HarvestError && err.status === 404)) throw err;
          page = { items: [], next: null }; // the job was deleted meanwhile: it has no stages any more
        }
        state = await svc.store.transaction(async (tx) => {
          const stages = page.items.map((s) => stageObject(obj(s), jobId)).filter((s): s is StageObject => !!s);
          for (const s of stages) await tx.connectorState.upsertObject(connection.id, KIND.stage, s.id, s);
          counts.stages += stages.length;
          const seen = [...state.stages_seen, ...stages.map((s) => s.id)];
          if (page.next) {
            const next: SyncState = { ...state, stages_seen: seen, next: page.next, pages: state.pages + 1 };
            await save(tx, next);
            return next;
          }
          const keep = new Set(seen);
          await dropStages(tx, connection.id, (s) => s.job_id === jobId && !keep.has(s.id));
          const next: SyncState = { ...state, jobs_todo: state.jobs_todo.slice(1), stages_seen: [], next: null, pages: state.pages + 1 };
          await save(tx, next);
          return next;
        });
      } else {
        const batch = state.candidates_todo.slice(0, CANDIDATE_BATCH);
        if (!batch.length) {
          const next: SyncState = { ...state, phase: 'done', next: null, completed_at: new Date().toISOString() };
          await svc.store.transaction(async (tx) => {
            await save(tx, next);
            await tx.connectorState.put(connection.id, LAST_SYNC_KEY, { since: state.started_at });
          });
          state = next;
          break;
        }
        const page = await client.page(state.next ?? client.url('/candidates', { candidate_ids: batch.join(','), per_page: state.per_page }));
        state = await svc.store.transaction(async (tx) => {
          for (const c of page.items.map(obj)) {
            const r = await applyHarvestCandidate(tx, connection, c);
            if (!r) continue;
            counts.candidates++;
            counts.applications += r.applications;
            counts.orders_linked += r.linked;
          }
          const next: SyncState = page.next
            ? { ...state, next: page.next, pages: state.pages + 1 }
            : { ...state, next: null, candidates_todo: state.candidates_todo.slice(batch.length), pages: state.pages + 1 };
          await save(tx, next);
          return next;
        });
      }
    }
  } catch (err) {
    if (!(err instanceof BudgetExhausted)) throw err;
    stopped = err.message;
  }
  return {
    done: state.phase === 'done',
    resumed,
    phase: state.phase,
    pages: state.pages,
    requests: client.stats.requests,
    rate_limited: client.stats.rateLimited,
    waited_ms: client.stats.waitedMs,
    ...counts,
    stopped_because: stopped,
  };
}

/**
 * Applies one Harvest candidate (with its embedded applications): keeps ids and application state
 * (never names or addresses), refreshes our candidate row's contact data, links orders that came
 * without an application, and reconciles hiring outcomes that a missed webhook would have recorded.
 */
export async function applyHarvestCandidate(tx: Repos, connection: ConnectionRow, c: Record<string, unknown>): Promise<{ applications: number; linked: number } | null> {
  const id = idOf(c.id);
  if (!id) return null;
  const apps = arr(c.applications).map((a) => applicationObject(obj(a), id)).filter((a): a is ApplicationObject => !!a);
  const appIds = apps.length ? apps.map((a) => a.id) : arr(c.application_ids).map(idOf).filter((x): x is string => !!x);
  await tx.connectorState.upsertObject(connection.id, KIND.candidate, id, { id, application_ids: appIds, updated_at: strOf(c.updated_at, 40), synced_at: new Date().toISOString() });
  for (const a of apps) await tx.connectorState.upsertObject(connection.id, KIND.application, a.id, a);

  const row = await tx.candidates.findByExternal(connection.account_id, PROVIDER, id);
  if (!row || row.erased_at) return { applications: apps.length, linked: 0 };
  const email = pickEmail(c.email_addresses);
  if (email) {
    await tx.candidates.upsert({ account_id: connection.account_id, source: PROVIDER, external_id: id, email, first_name: strOf(c.first_name, 200) ?? row.first_name, last_name: strOf(c.last_name, 200) ?? row.last_name, locale: null });
  }
  let linked = 0;
  const now = new Date().toISOString();
  for (const o of await ordersOfGhCandidate(tx, connection, id)) {
    let app = o.application_id ? apps.find((a) => a.id === o.application_id) : undefined;
    if (!o.application_id) {
      app = chooseApplication(apps);
      if (app) {
        await tx.orders.update(connection.account_id, o.id, { application_id: app.id, job_id: app.job_id, job_name: app.job_name });
        linked++;
      }
    }
    if (app) {
      const outcome = outcomeOfStatus(app.status);
      if (outcome !== o.outcome) await recordOutcome(tx, connection, id, app.id, outcome, outcome === 'rejected' ? (app.rejected_at ?? now) : now, app.last_activity_at ?? now);
    }
  }
  return { applications: apps.length, linked };
}

/**
 * The application a send_test belongs to, when Greenhouse did not say: the candidate's active one, the
 * most recently active if several.
 */
// UNCONFIRMED: send_test carries no application id; the profile URL sometimes has ?application_id=, else we pick this way
export function chooseApplication(apps: ApplicationObject[]): ApplicationObject | undefined {
  const byActivity = [...apps].sort((a, b) => (b.last_activity_at ?? '').localeCompare(a.last_activity_at ?? ''));
  return byActivity.find((a) => a.status === 'active') ?? byActivity[0];
}

/** Job `greenhouse.link_order`: fetch the candidate of a fresh send_test order and link the order to its application. */
export async function linkOrder(svc: Services, orderId: string): Promise<void> {
  const order = await svc.store.orders.getById(orderId);
  if (!order || order.source !== PROVIDER || !order.connection_id || order.application_id) return;
  const connection = await svc.store.connections.get(order.account_id, order.connection_id);
  if (!connection || connection.status !== 'active') return;
  const cand = await svc.store.candidates.get(order.account_id, order.candidate_id);
  if (!cand || cand.erased_at || !/^\d+$/.test(cand.external_id)) return;
  const client = harvestClientFor(svc, connection, { deadlineAt: Date.now() + JOB_BUDGET_MS });
  if (!client) return; // no Harvest key: the order simply stays without its application
  let c: Record<string, unknown>;
  try {
    c = await client.one(client.url(`/candidates/${cand.external_id}`));
  } catch (err) {
    if (err instanceof HarvestError && err.status === 404) return;
    throw err;
  }
  await svc.store.transaction((tx) => applyHarvestCandidate(tx, connection, c));
}

/** Job `greenhouse.job_stages`: a job changed and its webhook carried no stages; fetch them. */
export async function refreshJobStages(svc: Services, connectionId: string, jobId: string): Promise<void> {
  const connection = await svc.store.connections.getById(connectionId);
  if (!connection || connection.status !== 'active') return;
  const client = harvestClientFor(svc, connection, { deadlineAt: Date.now() + JOB_BUDGET_MS });
  if (!client) return;
  const stages: StageObject[] = [];
  let url: string | null = client.url(`/jobs/${jobId}/stages`, { per_page: 500 });
  try {
    while (url) {
      const page: { items: Record<string, unknown>[]; next: string | null } = await client.page(url);
      stages.push(...page.items.map((s) => stageObject(obj(s), jobId)).filter((s): s is StageObject => !!s));
      url = page.next;
    }
  } catch (err) {
    if (!(err instanceof HarvestError && err.status === 404)) throw err;
  }
  await svc.store.transaction((tx) => replaceJobStages(tx, connection.id, jobId, stages));
}

/** A Harvest wait longer than a job may hold its lease becomes a retry at the time Greenhouse named. */
async function rateLimitedJob(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof BudgetExhausted) throw new RetryableError(`Greenhouse Harvest: ${err.message}`, err.waitMs);
    throw err;
  }
}

/** The connector's outbox jobs: link an order to its application, refresh a job's stages. */
export const jobs: Connector['jobs'] = {
  'greenhouse.link_order': (svc, job) => rateLimitedJob(() => linkOrder(svc, String(job.payload.order_id ?? ''))),
  'greenhouse.job_stages': (svc, job) =>
    rateLimitedJob(async () => {
      if (!job.connection_id) throw new PermanentError('the job names no connection');
      await refreshJobStages(svc, job.connection_id, String(job.payload.job_id ?? ''));
    }),
};

export const periodic: Connector['periodic'] = {
  // The incremental sync resumes where the last one stopped; each pass spends at most one minute.
  everyMs: connectorConfig().greenhouseSyncMs,
  async run(svc) {
    for (const c of await svc.store.connections.listByProvider(PROVIDER, 'active')) {
      if (!settingsOf(svc, c).harvestApiKey) continue;
      try {
        const r = await runHarvestSync(svc, c, { budgetMs: 60_000 });
        svc.log.info('greenhouse harvest sync', { connection: c.id, done: r.done, pages: r.pages, rate_limited: r.rate_limited });
      } catch (err) {
        svc.log.warn('greenhouse harvest sync failed', { connection: c.id, error: err instanceof HarvestError || err instanceof Error ? err.message : String(err) });
      }
    }
  },
};
