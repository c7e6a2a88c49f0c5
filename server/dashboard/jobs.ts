// The provider dashboard's Jobs: jobs synced from the connected ATSs or typed in, each with its assessments
// (a package chosen for the job, with invitation validity and extra-time defaults), and Publish / Unpublish.
// Published, an assessment is in every package list an ATS reads (orders/assessments.ts); the Kombo push is
// re-queued (packagesChanged, as `assay packages:import` does) and the job's connector is told (a Lever posting
// gets the assessment's tag through mapPosting, the function `assay lever:map` calls).
import { packagesChanged } from '../accounts/import-package.ts';
import { ApiError, notFound } from '../errors.ts';
import { newId } from '../ids.ts';
import { assessmentName, ASSESSMENT_PREFIX } from '../orders/assessments.ts';
import { DEFAULT_INVITATION_DAYS } from '../orders/place-order.ts';
import type { Services } from '../services.ts';
import type { AssessmentRow, AssessmentStatus, ConnectionRow, PackageRow } from '../store/types.ts';

export const EXTRA_TIME_CHOICES = [0, 25, 50, 100] as const;
/** The synced object kind that is a job: the connector's `jobKind` (Lever's mapped `posting`), else `job` (Greenhouse). */
const jobKindOf = (svc: Services, provider: string) => svc.connectors[provider]?.jobKind ?? 'job';
const MAX_ATS_JOBS = 500;

export interface AssessmentView {
  id: string;
  /** What the ATS shows: "<job> — <package>". */
  name: string;
  package: { id: string; name: string; active: boolean };
  invitation_days: number;
  extra_time_percent: number;
  status: AssessmentStatus;
  published_at: string | null;
  created_at: string;
}
export interface JobView {
  /** `<connection id>:<job id>` for an ATS job, `typed:<name>` for a typed one. */
  key: string;
  id: string | null;
  name: string;
  source: { connection_id: string; provider: string } | null;
  assessments: AssessmentView[];
}
export interface AtsJob { connection_id: string; provider: string; id: string; name: string }

const toView = (a: AssessmentRow, pkg: PackageRow | undefined): AssessmentView => ({
  id: a.id,
  name: pkg ? assessmentName(a, pkg) : a.job_name,
  package: { id: a.package_id, name: pkg?.name ?? a.package_id, active: !!pkg?.active },
  invitation_days: a.invitation_days,
  extra_time_percent: a.extra_time_percent,
  status: a.status,
  published_at: a.published_at,
  created_at: a.created_at,
});

/** The ATS jobs the account's active connections have synced (for the Create picker). */
export async function atsJobs(svc: Services, accountId: string): Promise<AtsJob[]> {
  const connections = (await svc.store.connections.listByAccount(accountId)).filter((c) => c.status === 'active');
  const lists = await Promise.all(
    connections.map(async (c) =>
      (await svc.store.connectorState.listObjects<{ name?: unknown; text?: unknown }>(c.id, jobKindOf(svc, c.provider), MAX_ATS_JOBS)).map((o) => ({
        connection_id: c.id,
        provider: c.provider,
        id: o.external_id,
        name: String(o.data.name ?? o.data.text ?? o.external_id).slice(0, 200),
      })),
    ),
  );
  return lists.flat().sort((a, b) => a.name.localeCompare(b.name));
}

/** Every job that has assessments, and every synced ATS job, with their assessments; plus the Create choices. */
export async function listJobs(svc: Services, accountId: string) {
  const [assessments, packages, ats, account] = await Promise.all([
    svc.store.assessments.list(accountId),
    svc.store.packages.list(accountId),
    atsJobs(svc, accountId),
    svc.store.accounts.get(accountId),
  ]);
  const pkgs = new Map(packages.map((p) => [p.id, p]));
  const providers = new Map(ats.map((j) => [j.connection_id, j.provider]));
  const jobs = new Map<string, JobView>();
  for (const j of ats) jobs.set(`${j.connection_id}:${j.id}`, { key: `${j.connection_id}:${j.id}`, id: j.id, name: j.name, source: { connection_id: j.connection_id, provider: j.provider }, assessments: [] });
  for (const a of assessments) {
    const key = a.connection_id && a.job_id ? `${a.connection_id}:${a.job_id}` : `typed:${a.job_name}`;
    let job = jobs.get(key);
    if (!job) {
      job = { key, id: a.job_id, name: a.job_name, source: a.connection_id ? { connection_id: a.connection_id, provider: providers.get(a.connection_id) ?? 'ats' } : null, assessments: [] };
      jobs.set(key, job);
    }
    job.assessments.push(toView(a, pkgs.get(a.package_id)));
  }
  return {
    jobs: [...jobs.values()].sort((a, b) => a.name.localeCompare(b.name) || a.key.localeCompare(b.key)),
    ats_jobs: ats,
    packages: packages.filter((p) => p.active).map((p) => ({ id: p.id, name: p.name })),
    defaults: { invitation_days: account?.settings.invitation_days ?? DEFAULT_INVITATION_DAYS, extra_time_percent: 0 },
  };
}

export interface NewAssessmentInput {
  /** An ATS job: its connection and id (the name comes from the synced job). */
  connection_id?: string;
  job_id?: string;
  /** A typed job. */
  job_name?: string;
  package_ids: string[];
  invitation_days?: number;
  extra_time_percent?: number;
}

/** Creates one draft assessment per chosen package for the job, in one transaction. */
export async function createAssessments(svc: Services, accountId: string, input: NewAssessmentInput, actor: string): Promise<AssessmentView[]> {
  let job: { connection_id: string | null; id: string | null; name: string };
  if (input.connection_id || input.job_id) {
    if (!input.connection_id || !input.job_id) throw new ApiError(400, 'invalid_job', 'An ATS job needs both connection_id and job_id.');
    const connection = await svc.store.connections.get(accountId, input.connection_id);
    if (!connection || connection.status !== 'active') throw new ApiError(404, 'not_found', 'No such active connection on your account.');
    const synced = await svc.store.connectorState.getObject<{ name?: unknown; text?: unknown }>(connection.id, jobKindOf(svc, connection.provider), input.job_id);
    if (!synced) throw new ApiError(404, 'job_unknown', `The ${connection.provider} job "${input.job_id}" has not been synced to this account.`);
    job = { connection_id: connection.id, id: input.job_id, name: String(synced.name ?? synced.text ?? input.job_id).slice(0, 200) };
  } else {
    const name = input.job_name?.trim();
    if (!name) throw new ApiError(400, 'invalid_job', 'Pick a job from your ATS or type a job title.');
    job = { connection_id: null, id: null, name };
  }
  const ids = [...new Set(input.package_ids)];
  if (!ids.length) throw new ApiError(400, 'invalid_packages', 'Pick at least one assessment package.');
  const account = await svc.store.accounts.get(accountId);
  const days = input.invitation_days ?? account?.settings.invitation_days ?? DEFAULT_INVITATION_DAYS;
  const extra = input.extra_time_percent ?? 0;
  const created = await svc.store.transaction(async (tx) => {
    const out: { row: AssessmentRow; pkg: PackageRow }[] = [];
    for (const id of ids) {
      const pkg = await tx.packages.get(accountId, id);
      if (!pkg) throw new ApiError(404, 'package_unknown', `The package "${id}" does not exist for your account.`);
      if (!pkg.active) throw new ApiError(409, 'package_inactive', `The package "${pkg.name}" is no longer active; pick an active one.`);
      const row = await tx.assessments.create({
        id: newId(ASSESSMENT_PREFIX.slice(0, -1)),
        account_id: accountId,
        package_id: pkg.id,
        connection_id: job.connection_id,
        job_id: job.id,
        job_name: job.name,
        invitation_days: days,
        extra_time_percent: extra,
      });
      await tx.audit.add({ account_id: accountId, actor, action: 'assessment.created', target: row.id, details: { package_id: pkg.id, connection_id: job.connection_id, job_id: job.id } });
      out.push({ row, pkg });
    }
    return out;
  });
  return created.map(({ row, pkg }) => toView(row, pkg));
}

/** The connection an assessment's job was synced from (null: a typed job). */
async function jobConnection(svc: Services, a: AssessmentRow): Promise<ConnectionRow | null> {
  if (!a.connection_id || !a.job_id) return null;
  return svc.store.connections.get(a.account_id, a.connection_id);
}

/**
 * Publish (or unpublish): the assessment becomes orderable from (or withdrawn from) every ATS. Kombo's package
 * list is re-pushed through the outbox; the job's connector is told now (`onAssessmentPublished`: Lever tags or
 * untags the posting), and if the ATS refuses, the status is put back and the caller gets its reason.
 */
export async function setPublished(svc: Services, accountId: string, id: string, publish: boolean, actor: string): Promise<AssessmentView> {
  const before = await svc.store.assessments.get(accountId, id);
  if (!before) throw notFound('assessment');
  const pkg = (await svc.store.packages.get(accountId, before.package_id)) ?? undefined;
  if (publish && !pkg?.active) throw new ApiError(409, 'package_inactive', `The package "${pkg?.name ?? before.package_id}" is no longer active, so this assessment cannot be published.`);
  const status: AssessmentStatus = publish ? 'published' : 'unpublished';
  if (before.status === status || (!publish && before.status === 'draft')) return toView(before, pkg);
  await svc.store.transaction(async (tx) => {
    await tx.assessments.setStatus(accountId, id, status);
    await tx.audit.add({ account_id: accountId, actor, action: publish ? 'assessment.published' : 'assessment.unpublished', target: id, details: { package_id: before.package_id } });
  });
  const connection = await jobConnection(svc, before);
  const tell = connection && svc.connectors[connection.provider]?.onAssessmentPublished;
  if (connection && tell) {
    try {
      await tell(svc, connection, before, publish, actor);
    } catch (err) {
      await svc.store.transaction((tx) => tx.assessments.setStatus(accountId, id, before.status));
      throw err;
    }
  }
  await packagesChanged(svc, accountId);
  return toView((await svc.store.assessments.get(accountId, id))!, pkg);
}
