/**
 * Greenhouse data as the simulator holds it, seed normalisation, and the two renderings of it:
 * Harvest API objects and webhook payload objects (they differ, as in Greenhouse).
 */

export interface GhUser { id: number; first_name: string; last_name: string; email: string; employee_id: string | null; site_admin: boolean; disabled: boolean; created_at: string }
export interface GhStage { id: number; name: string; priority: number; interviews: Array<{ id: number; name: string; status: string }> }
export interface GhJob {
  id: number; name: string; requisition_id: string | null; notes: string | null; confidential: boolean; status: 'open' | 'closed' | 'draft';
  job_post_id: number | null; created_at: string; opened_at: string | null; closed_at: string | null; updated_at: string; stages: GhStage[];
}
export interface GhCandidate {
  id: number; first_name: string; last_name: string; preferred_name: string | null; title: string | null; company: string | null;
  emails: Array<{ value: string; type: string }>; phones: Array<{ value: string; type: string }>; tags: string[];
  resume_url: string | null; is_private: boolean; can_email: boolean; created_at: string; updated_at: string; recruiter_id: number | null;
}
export interface GhApplication {
  id: number; candidate_id: number; job_id: number; stage_id: number | null; status: 'active' | 'rejected' | 'hired'; prospect: boolean;
  applied_at: string; last_activity_at: string; rejected_at: string | null; rejection_reason: null | { id: number; name: string; type: { id: number; name: string } };
  credited_to: number | null;
}
export interface GhNote { id: number; candidate_id: number; user_id: number; body: string; visibility: string; on_behalf_of: string; created_at: string }

export interface GhState {
  users: Map<number, GhUser>;
  jobs: Map<number, GhJob>;
  candidates: Map<number, GhCandidate>;
  applications: Map<number, GhApplication>;
  notes: GhNote[];
}

export const DEFAULT_IDS = { user: 4080, job: 4690, triggerStage: 767358, candidate: 265277, application: 265277 } as const;
export const TRIGGER_STAGE_NAME = 'Assay Assessment';
export const APP_HOST = 'https://app.greenhouse.io';

export function emptyState(): GhState {
  return { users: new Map(), jobs: new Map(), candidates: new Map(), applications: new Map(), notes: [] };
}

export interface GhSeed {
  users?: Array<{ id?: number; first_name: string; last_name: string; email: string; employee_id?: string | null }>;
  jobs?: Array<{ id?: number; name: string; status?: GhJob['status']; requisition_id?: string | null; notes?: string | null; stages?: Array<{ id?: number; name: string }> }>;
  candidates?: Array<{ id?: number; first_name: string; last_name: string; preferred_name?: string | null; email?: string; phone?: string | null; tags?: string[]; resume_url?: string | null }>;
  applications?: Array<{ id?: number; candidate_id: number; job_id: number; stage?: number | string; status?: GhApplication['status']; prospect?: boolean }>;
}

export class SeedError extends Error {}

let nextId = 900_000;
const newId = () => ++nextId;
const iso = (d = new Date()) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function defaultSeed(): GhSeed {
  return {
    users: [{ id: DEFAULT_IDS.user, first_name: 'Rita', last_name: 'Recruiter', email: 'rita@example.com' }],
    jobs: [
      {
        id: DEFAULT_IDS.job, name: 'Data Analyst', requisition_id: 'DA-1', notes: '<p>Remote</p>',
        stages: [
          { id: 767355, name: 'Application Review' }, { id: 767356, name: 'Preliminary Phone Screen' },
          { id: DEFAULT_IDS.triggerStage, name: TRIGGER_STAGE_NAME }, { id: 767359, name: 'Face to Face' }, { id: 767360, name: 'Offer' },
        ],
      },
    ],
    candidates: [{ id: DEFAULT_IDS.candidate, first_name: 'Ada', last_name: 'Lovelace & Byron', email: 'ada@example.com', tags: ['<vip>'] }],
    applications: [{ id: DEFAULT_IDS.application, candidate_id: DEFAULT_IDS.candidate, job_id: DEFAULT_IDS.job, stage: 767356 }],
  };
}

export function applySeed(state: GhState, seed: GhSeed): Record<string, number[]> {
  const now = iso();
  const out: Record<string, number[]> = { users: [], jobs: [], candidates: [], applications: [] };
  for (const u of seed.users ?? []) {
    if (typeof u?.first_name !== 'string' || typeof u.email !== 'string') throw new SeedError('users[].first_name and .email are required');
    const id = u.id ?? newId();
    state.users.set(id, { id, first_name: u.first_name, last_name: u.last_name ?? '', email: u.email, employee_id: u.employee_id ?? null, site_admin: true, disabled: false, created_at: now });
    out.users!.push(id);
  }
  for (const j of seed.jobs ?? []) {
    if (typeof j?.name !== 'string') throw new SeedError('jobs[].name is required');
    const id = j.id ?? newId();
    // UNCONFIRMED: take-home interviews in the trigger stage start as `to_be_sent` ([I] from the webhook status list)
    const stages = (j.stages ?? [{ name: 'Application Review' }, { name: TRIGGER_STAGE_NAME }, { name: 'Offer' }]).map((s, i) => {
      const sid = s.id ?? newId();
      return { id: sid, name: s.name, priority: i, interviews: [{ id: sid * 10 + 1, name: s.name === TRIGGER_STAGE_NAME ? 'Take-home test' : s.name, status: s.name === TRIGGER_STAGE_NAME ? 'to_be_sent' : 'to_be_scheduled' }] };
    });
    state.jobs.set(id, { id, name: j.name, requisition_id: j.requisition_id ?? null, notes: j.notes ?? null, confidential: false, status: j.status ?? 'open', job_post_id: null, created_at: now, opened_at: now, closed_at: null, updated_at: now, stages });
    out.jobs!.push(id);
  }
  for (const c of seed.candidates ?? []) {
    if (typeof c?.first_name !== 'string' || typeof c.last_name !== 'string') throw new SeedError('candidates[].first_name and .last_name are required');
    const id = c.id ?? newId();
    state.candidates.set(id, {
      id, first_name: c.first_name, last_name: c.last_name, preferred_name: c.preferred_name ?? null, title: null, company: null,
      emails: c.email ? [{ value: c.email, type: 'personal' }] : [], phones: c.phone ? [{ value: c.phone, type: 'mobile' }] : [], tags: c.tags ?? [],
      resume_url: c.resume_url ?? null, is_private: false, can_email: true, created_at: now, updated_at: now, recruiter_id: null,
    });
    out.candidates!.push(id);
  }
  for (const a of seed.applications ?? []) {
    const job = state.jobs.get(a?.job_id);
    if (!job) throw new SeedError(`applications[].job_id ${a?.job_id} does not exist`);
    if (!state.candidates.has(a.candidate_id)) throw new SeedError(`applications[].candidate_id ${a.candidate_id} does not exist`);
    const stage = a.stage === undefined ? job.stages[0] : findStage(job, a.stage);
    if (!stage && job.stages.length) throw new SeedError(`applications[].stage ${a.stage} is not a stage of job ${job.id}`);
    const id = a.id ?? newId();
    state.applications.set(id, {
      id, candidate_id: a.candidate_id, job_id: a.job_id, stage_id: stage?.id ?? null, status: a.status ?? 'active', prospect: a.prospect ?? false,
      applied_at: now, last_activity_at: now, rejected_at: null, rejection_reason: null, credited_to: [...state.users.keys()][0] ?? null,
    });
    out.applications!.push(id);
  }
  return out;
}

export function findStage(job: GhJob, idOrName: number | string): GhStage | undefined {
  return job.stages.find((s) => s.id === Number(idOrName)) ?? job.stages.find((s) => typeof idOrName === 'string' && s.name.toLowerCase() === idOrName.toLowerCase());
}

/** Many candidates with one application each, for pagination tests. */
export function generate(state: GhState, count: number, jobId: number): number[] {
  const seed: GhSeed = { candidates: [], applications: [] };
  for (let i = 0; i < count; i++) {
    const id = newId();
    seed.candidates!.push({ id, first_name: `Candidate`, last_name: `Number ${i + 1}`, email: `candidate${id}@example.com` });
    seed.applications!.push({ id, candidate_id: id, job_id: jobId });
  }
  applySeed(state, seed);
  return seed.candidates!.map((c) => c.id!);
}

// ---------- Harvest renderings ----------

export function harvestUser(u: GhUser) {
  return { id: u.id, name: `${u.first_name} ${u.last_name}`, first_name: u.first_name, last_name: u.last_name, primary_email_address: u.email, emails: [u.email], employee_id: u.employee_id, disabled: u.disabled, site_admin: u.site_admin, created_at: u.created_at, updated_at: u.created_at, linked_candidate_ids: [], offices: [], departments: [] };
}

export function harvestStage(job: GhJob, s: GhStage) {
  return { id: s.id, name: s.name, created_at: job.created_at, updated_at: job.updated_at, job_id: job.id, priority: s.priority, active: true, interviews: s.interviews.map((i) => ({ ...i, schedulable: false, estimated_minutes: 30, default_interviewer_users: [], interview_kit: { id: i.id, content: null, questions: [] } })) };
}

export function harvestJob(j: GhJob) {
  return { id: j.id, name: j.name, requisition_id: j.requisition_id, notes: j.notes, confidential: j.confidential, status: j.status, created_at: j.created_at, opened_at: j.opened_at, closed_at: j.closed_at, updated_at: j.updated_at, is_template: false, copied_from_id: null, departments: [], offices: [], custom_fields: {}, keyed_custom_fields: {}, hiring_team: { hiring_managers: [], recruiters: [], coordinators: [], sourcers: [] }, openings: [] };
}

export function harvestApplication(st: GhState, a: GhApplication) {
  const job = st.jobs.get(a.job_id);
  const stage = job && a.stage_id !== null ? job.stages.find((s) => s.id === a.stage_id) : undefined;
  return {
    id: a.id, candidate_id: a.candidate_id, prospect: a.prospect, applied_at: a.applied_at, rejected_at: a.rejected_at, last_activity_at: a.last_activity_at,
    location: null, source: { id: 16, public_name: 'LinkedIn' }, credited_to: a.credited_to ? creditedTo(st, a.credited_to) : null,
    rejection_reason: a.rejection_reason, rejection_details: null, jobs: job ? [{ id: job.id, name: job.name }] : [], job_post_id: job?.job_post_id ?? null,
    status: a.status, current_stage: stage ? { id: stage.id, name: stage.name } : null, answers: [], prospective_office: null, prospective_department: null,
    prospect_detail: { prospect_pool: null, prospect_stage: null, prospect_owner: null }, custom_fields: {}, keyed_custom_fields: {}, attachments: [],
  };
}

export function harvestCandidate(st: GhState, c: GhCandidate) {
  const apps = [...st.applications.values()].filter((a) => a.candidate_id === c.id);
  return {
    id: c.id, first_name: c.first_name, last_name: c.last_name, company: c.company, title: c.title, created_at: c.created_at, updated_at: c.updated_at,
    last_activity: c.updated_at, is_private: c.is_private, photo_url: null, attachments: [], application_ids: apps.map((a) => a.id),
    phone_numbers: c.phones, addresses: [], email_addresses: c.emails, website_addresses: [], social_media_addresses: [], recruiter: null, coordinator: null,
    can_email: c.can_email, tags: c.tags, applications: apps.map((a) => harvestApplication(st, a)), educations: [], employments: [], custom_fields: {}, keyed_custom_fields: {},
  };
}

function creditedTo(st: GhState, userId: number) {
  const u = st.users.get(userId);
  return u ? { id: u.id, first_name: u.first_name, last_name: u.last_name, name: `${u.first_name} ${u.last_name}`, employee_id: u.employee_id, email: u.email } : null;
}

// ---------- webhook payload renderings ----------

export function webhookJob(j: GhJob) {
  return { id: j.id, name: j.name, requisition_id: j.requisition_id, notes: j.notes, confidential: j.confidential, job_post_id: j.job_post_id, status: j.status, created_at: j.created_at, opened_at: j.opened_at, closed_at: j.closed_at, departments: [], offices: [], custom_fields: {} };
}

export function webhookCandidate(c: GhCandidate) {
  return {
    id: c.id, first_name: c.first_name, last_name: c.last_name, title: c.title, company: c.company, created_at: c.created_at, external_id: null, photo_url: null,
    url: `${APP_HOST}/people/${c.id}`, is_private: c.is_private, can_email: c.can_email, phone_numbers: c.phones, email_addresses: c.emails, addresses: [],
    website_addresses: [], social_media_addresses: [], educations: [], employments: [], recruiter: null, coordinator: null, attachments: [], tags: c.tags, custom_fields: {},
  };
}

/** The `application` object of application-level events (candidate_stage_change and friends). */
export function webhookApplication(st: GhState, a: GhApplication) {
  const job = st.jobs.get(a.job_id);
  const stage = job && a.stage_id !== null ? job.stages.find((s) => s.id === a.stage_id) : undefined;
  const cand = st.candidates.get(a.candidate_id);
  const credited = a.credited_to ? st.users.get(a.credited_to) : undefined;
  return {
    id: a.id, rejected_at: a.rejected_at, prospect: a.prospect, status: a.status, applied_at: a.applied_at, last_activity_at: a.last_activity_at,
    url: `${APP_HOST}/people/${a.candidate_id}?application_id=${a.id}`, source: { id: 16, name: 'LinkedIn' },
    credited_to: credited ? { id: credited.id, email: credited.email, name: `${credited.first_name} ${credited.last_name}`, employee_id: credited.employee_id } : null,
    rejection_reason: a.rejection_reason, rejection_details: null,
    current_stage: stage ? { id: stage.id, name: stage.name, interviews: stage.interviews.map((i) => ({ ...i, interview_kit: { url: null, content: null, questions: [] }, interviewers: [] })) } : null,
    custom_fields: {}, candidate: cand ? webhookCandidate(cand) : null, jobs: job ? [webhookJob(job)] : [],
  };
}

/** Candidate-level payload of delete_candidate / merge_candidate (`person`). */
export function webhookPerson(st: GhState, c: GhCandidate) {
  return {
    id: c.id, first_name: c.first_name, last_name: c.last_name, company: c.company, title: c.title, created_at: c.created_at, headline: null,
    is_private: c.is_private, recruiter_user_id: c.recruiter_id, coordinator_user_id: null, can_email: c.can_email,
    deleted_application_ids: [...st.applications.values()].filter((a) => a.candidate_id === c.id).map((a) => a.id),
  };
}
