// Shared pieces of the Greenhouse connector: settings, payload readers, the non-personal shapes we keep
// of Greenhouse objects, and the bookkeeping that keeps stage mappings current.
import { isUsableEmail } from '../../../shared/api.ts';
import type { Services } from '../../services.ts';
import type { ConnectionRow, Json, OrderRow, Repos } from '../../store/types.ts';

export const PROVIDER = 'greenhouse';
// The settings live in settings.ts; re-exported for the files that read them from here.
export { DEFAULT_HARVEST_URL, settingsOf, validateGreenhouseSettings, type GreenhouseSettings } from './settings.ts';
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
