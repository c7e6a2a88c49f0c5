// Greenhouse Harvest (v1) client: Basic auth with the key as user and a blank password, RFC-5988 `Link`
// pagination followed as given (never built by hand), and the per-10-second rate limit honoured:
// on 429 it waits what Retry-After (or X-RateLimit-Reset) says before the next request.
import { callVendor, failureFor, parseRetryAfter, PermanentError, RetryableError, type VendorResponse } from '../../http/client.ts';
import { isUsableEmail } from '../../../shared/api.ts';
import type { ConnectionRow, Json, OrderRow, Repos } from '../../store/types.ts';
import { PROVIDER } from './settings.ts';

export class HarvestError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'HarvestError';
  }
}

/** The time budget ran out (or the next wait would pass it): stop here, progress is saved, resume later. */
export class BudgetExhausted extends Error {
  constructor(readonly waitMs: number | null) {
    super(waitMs === null ? 'time budget used up' : `Harvest asks to wait ${waitMs} ms, beyond the time budget`);
    this.name = 'BudgetExhausted';
  }
}

export interface HarvestStats {
  requests: number;
  rateLimited: number;
  waitedMs: number;
}

export interface HarvestOptions {
  baseUrl: string;
  apiKey: string;
  /** Absolute time (ms) after which no new request starts. */
  deadlineAt?: number | null;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const MAX_429_IN_A_ROW = 30;
const MAX_5XX_RETRIES = 3;
// Harvest documents the limit per 10 seconds; when a 429 carries no hint, wait one window.
const DEFAULT_WAIT_MS = 10_000;
const MAX_WAIT_MS = 120_000;

/** The `rel="next"` target of a Link header, resolved against the request URL. Commas inside URLs are fine. */
export function nextLink(header: string | null, requestUrl: string): string | null {
  if (!header) return null;
  const re = /<([^>]*)>((?:\s*;\s*[A-Za-z*-]+\s*=\s*(?:"[^"]*"|[^;,\s]*))*)/g;
  for (let m = re.exec(header); m; m = re.exec(header)) {
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^;,\s]*))/i.exec(m[2] ?? '');
    const rels = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
    if (rels.includes('next')) return new URL(m[1]!, requestUrl).toString();
  }
  return null;
}

export class HarvestClient {
  readonly base: URL;
  readonly stats: HarvestStats = { requests: 0, rateLimited: 0, waitedMs: 0 };
  readonly #auth: string;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(private readonly opts: HarvestOptions) {
    this.base = new URL(opts.baseUrl.replace(/\/+$/, '') + '/');
    this.#auth = `Basic ${Buffer.from(`${opts.apiKey}:`).toString('base64')}`;
    this.#sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** `/jobs` + query → absolute URL under the base (e.g. https://harvest.greenhouse.io/v1/jobs?per_page=100). */
  url(path: string, query: Record<string, string | number | null | undefined> = {}): string {
    const u = new URL(path.replace(/^\/+/, ''), this.base);
    for (const [k, v] of Object.entries(query)) if (v !== null && v !== undefined && v !== '') u.searchParams.set(k, String(v));
    return u.toString();
  }

  /** One list page: its items and the next page's URL (null on the last page or with no Link header). */
  async page<T = Record<string, unknown>>(url: string): Promise<{ items: T[]; next: string | null }> {
    const res = await this.#get(url);
    const body = res.json<unknown>();
    if (!Array.isArray(body)) throw new PermanentError(`Greenhouse Harvest answered ${new URL(url).pathname} with something other than a list.`);
    const next = nextLink(res.headers.get('link'), url);
    if (next && new URL(next).origin !== this.base.origin) {
      // The key travels with every request: never follow a link to another host.
      throw new PermanentError('Greenhouse Harvest pointed the next page to another host; refusing to send the API key there.');
    }
    return { items: body as T[], next };
  }

  async one<T = Record<string, unknown>>(url: string): Promise<T> {
    const res = await this.#get(url);
    const body = res.json<unknown>();
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new PermanentError(`Greenhouse Harvest answered ${new URL(url).pathname} with something other than an object.`);
    return body as T;
  }

  #checkBudget(waitMs: number | null): void {
    const d = this.opts.deadlineAt;
    if (d && Date.now() + (waitMs ?? 0) >= d) throw new BudgetExhausted(waitMs);
  }

  async #get(url: string): Promise<VendorResponse> {
    let limited = 0;
    let failed = 0;
    for (;;) {
      this.#checkBudget(null);
      const res = await callVendor(url, { headers: { Authorization: this.#auth, Accept: 'application/json' }, timeoutMs: this.opts.timeoutMs ?? 20_000 });
      this.stats.requests++;
      if (res.status >= 200 && res.status < 300) return res;
      if (res.status === 429) {
        this.stats.rateLimited++;
        if (++limited > MAX_429_IN_A_ROW) throw new RetryableError('Greenhouse Harvest kept answering 429 (rate limited)', DEFAULT_WAIT_MS);
        const wait = Math.min(MAX_WAIT_MS, waitFor429(res));
        this.#checkBudget(wait);
        this.stats.waitedMs += wait;
        await this.#sleep(wait);
        continue;
      }
      if ((res.status >= 500 || res.status === 408) && failed < MAX_5XX_RETRIES) {
        const wait = Math.max(parseRetryAfter(res.headers.get('retry-after')) ?? 0, Math.floor(Math.random() * 500 * 2 ** failed) + 200);
        failed++;
        this.#checkBudget(wait);
        this.stats.waitedMs += wait;
        await this.#sleep(wait);
        continue;
      }
      if (res.status === 404) throw new HarvestError(404, `Greenhouse Harvest has nothing at ${new URL(url).pathname}.`);
      if (res.status === 401 || res.status === 403) {
        throw new PermanentError(`Greenhouse Harvest refused the API key (HTTP ${res.status}); check harvest_api_key and its GET permissions.`);
      }
      throw failureFor(res, `Greenhouse Harvest GET ${new URL(url).pathname}`);
    }
  }
}

/** Retry-After (seconds or a date), else X-RateLimit-Reset (epoch seconds), else one 10-second window. */
export function waitFor429(res: Pick<VendorResponse, 'headers'>, now = Date.now()): number {
  const ra = parseRetryAfter(res.headers.get('retry-after'), now);
  if (ra !== null) return ra;
  // UNCONFIRMED: X-RateLimit-Reset as epoch seconds ("a timestamp" in the docs); older 429s carried no X-RateLimit headers at all
  const reset = Number(res.headers.get('x-ratelimit-reset'));
  if (Number.isFinite(reset) && reset > 0) {
    const ms = reset > 1e12 ? reset - now : reset * 1000 - now;
    if (ms > 0 && ms <= MAX_WAIT_MS) return ms;
  }
  return DEFAULT_WAIT_MS;
}

// Greenhouse payload readers, the non-personal shapes we keep of Greenhouse objects, and the bookkeeping
// that keeps stage mappings current.

/** Mapping kind: a Greenhouse job stage (interview plan stage) that orders a package when a candidate enters it. */
export const STAGE_MAPPING = 'stage';
/** Synced object kinds. Only `candidate` could ever be personal; we keep no names or e-mails there. */
export const KIND = { job: 'job', stage: 'stage', application: 'application', candidate: 'candidate' } as const;

// ---------- reading vendor JSON defensively ----------

export const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
export const obj = (v: unknown): Record<string, unknown> => (isObj(v) ? v : {});
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
/** A Greenhouse id (number, or a string of digits) as our string, else null. */
export function idOf(v: unknown): string | null {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return String(v);
  if (typeof v === 'string' && /^\d{1,20}$/.test(v.trim())) return v.trim();
  return null;
}
export const strOf = (v: unknown, max = 500): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, max) : null);

/** The address to invite: the first usable one, personal before work before other. */
export function pickEmail(list: unknown): string | null {
  const items = arr(list).map(obj).filter((e) => isUsableEmail(strOf(e.value, 320)));
  const rank = (t: unknown) => (t === 'personal' ? 0 : t === 'work' ? 1 : 2);
  items.sort((a, b) => rank(a.type) - rank(b.type));
  return strOf(items[0]?.value, 320);
}

/** Candidate (and maybe application) id from a Greenhouse profile URL such as https://app.greenhouse.io/people/265277?application_id=1. */
export function idsFromProfileUrl(url: string | null | undefined): { candidateId: string | null; applicationId: string | null } {
  if (!url) return { candidateId: null, applicationId: null };
  try {
    const u = new URL(url);
    const m = /\/people\/(\d{1,20})(?:\/|$)/.exec(u.pathname);
    return { candidateId: m?.[1] ?? null, applicationId: idOf(u.searchParams.get('application_id')) };
  } catch {
    return { candidateId: null, applicationId: null };
  }
}

// ---------- non-personal shapes we keep ----------

export interface JobObject extends Json { id: string; name: string | null; status: string | null; requisition_id: string | null; updated_at: string | null }
export interface StageObject extends Json { id: string; job_id: string; name: string | null; priority: number | null }
export interface ApplicationObject extends Json {
  id: string; candidate_id: string | null; job_id: string | null; job_name: string | null; status: string | null;
  stage_id: string | null; stage_name: string | null; last_activity_at: string | null; rejected_at: string | null;
}
/** What we keep of a candidate: ids and dates only, never names or addresses. */
export interface CandidateObject extends Json { id: string; application_ids: string[]; updated_at: string | null; synced_at: string | null }

export function jobObject(j: Record<string, unknown>): JobObject | null {
  const id = idOf(j.id);
  return id ? { id, name: strOf(j.name), status: strOf(j.status, 40), requisition_id: strOf(j.requisition_id, 200), updated_at: strOf(j.updated_at, 40) } : null;
}

/** From a Harvest application or a webhook `application` (they differ slightly). */
export function applicationObject(a: Record<string, unknown>, candidateId?: string | null): ApplicationObject | null {
  const id = idOf(a.id);
  if (!id) return null;
  const job = obj(arr(a.jobs)[0]);
  const stage = obj(a.current_stage);
  return {
    id,
    candidate_id: candidateId ?? idOf(a.candidate_id) ?? idOf(obj(a.candidate).id),
    job_id: idOf(job.id),
    job_name: strOf(job.name),
    status: strOf(a.status, 40),
    stage_id: idOf(stage.id),
    stage_name: strOf(stage.name),
    last_activity_at: strOf(a.last_activity_at, 40),
    rejected_at: strOf(a.rejected_at, 40),
  };
}

/** Remembers that we hold orders for this Greenhouse candidate, so the Harvest sync knows whom to fetch. */
export async function trackCandidate(tx: Repos, connectionId: string, candidateExternalId: string): Promise<void> {
  const cur = await tx.connectorState.getObject<CandidateObject>(connectionId, KIND.candidate, candidateExternalId);
  if (!cur) await tx.connectorState.upsertObject(connectionId, KIND.candidate, candidateExternalId, { id: candidateExternalId, application_ids: [], updated_at: null, synced_at: null });
}

/**
 * Stores the stages of one job as Greenhouse now has them and drops stages (and their mappings) that
 * are gone. Returns the stage ids whose mapping was removed.
 */
export async function replaceJobStages(tx: Repos, connectionId: string, jobId: string, stages: StageObject[]): Promise<string[]> {
  const keep = new Set(stages.map((s) => s.id));
  for (const s of stages) await tx.connectorState.upsertObject(connectionId, KIND.stage, s.id, s);
  return dropStages(tx, connectionId, (s) => s.job_id === jobId && !keep.has(s.id));
}

/** Deletes stored stages matching `which` and their mappings; returns the unmapped stage ids. */
export async function dropStages(tx: Repos, connectionId: string, which: (s: StageObject) => boolean): Promise<string[]> {
  const unmapped: string[] = [];
  for (const { external_id, data } of await tx.connectorState.listObjects<StageObject>(connectionId, KIND.stage)) {
    if (!which(data)) continue;
    await tx.connectorState.deleteObject(connectionId, KIND.stage, external_id);
    if (await tx.mappings.delete(connectionId, STAGE_MAPPING, external_id)) unmapped.push(external_id);
  }
  return unmapped;
}

export function stageObject(s: Record<string, unknown>, jobId: string): StageObject | null {
  const id = idOf(s.id);
  return id ? { id, job_id: jobId, name: strOf(s.name), priority: typeof s.priority === 'number' ? s.priority : null } : null;
}

// ---------- orders ----------

export interface GreenhouseMeta {
  /** The take-home-test URLs Greenhouse gave us in send_test; PATCHed on completion. */
  urls: string[];
  partner_test_id?: string;
  stage_id?: string | null;
  outcome_event_at?: string | null;
}

export function ghMeta(order: Pick<OrderRow, 'meta'>): GreenhouseMeta {
  const m = obj(order.meta.greenhouse);
  return { ...m, urls: arr(m.urls).filter((u): u is string => typeof u === 'string') } as GreenhouseMeta;
}

export function withGhMeta(order: Pick<OrderRow, 'meta'>, patch: Partial<GreenhouseMeta>): Json {
  return { ...order.meta, greenhouse: { ...ghMeta(order), ...patch } };
}

/** Orders of this connection for one Greenhouse candidate (by their Greenhouse id). */
export async function ordersOfGhCandidate(tx: Repos, connection: ConnectionRow, candidateExternalId: string): Promise<OrderRow[]> {
  const cand = await tx.candidates.findByExternal(connection.account_id, PROVIDER, candidateExternalId);
  if (!cand) return [];
  return (await tx.orders.listByCandidate(connection.account_id, cand.id)).filter((o) => o.source === PROVIDER && o.connection_id === connection.id);
}

export type Outcome = 'hired' | 'rejected' | null;

/**
 * Records the hiring outcome of an application on its orders (score-versus-outcome analytics). Orders
 * not yet linked to an application count as the candidate's. A late, older event never overwrites a newer one.
 */
export async function recordOutcome(tx: Repos, connection: ConnectionRow, candidateExternalId: string, applicationId: string | null, outcome: Outcome, outcomeAt: string | null, eventAt: string): Promise<string[]> {
  const changed: string[] = [];
  for (const o of await ordersOfGhCandidate(tx, connection, candidateExternalId)) {
    if (applicationId && o.application_id && o.application_id !== applicationId) continue;
    const prev = ghMeta(o).outcome_event_at;
    if (prev && prev > eventAt) continue;
    if (o.outcome === outcome) continue; // same outcome: the first time it was recorded stays
    await tx.orders.update(connection.account_id, o.id, { outcome, outcome_at: outcome === null ? null : outcomeAt, meta: withGhMeta(o, { outcome_event_at: eventAt }) });
    changed.push(o.id);
  }
  return changed;
}

export const outcomeOfStatus = (status: string | null): Outcome => (status === 'hired' ? 'hired' : status === 'rejected' ? 'rejected' : null);
