/**
 * Lever's data as the simulator holds it: stages, users, postings, opportunities (with their
 * applications), feedback templates, notes and feedback — plus seed normalisation and defaults.
 */
import { randomUUID } from 'node:crypto';

export interface Stage { id: string; text: string }

export interface User {
  id: string; name: string; username: string; email: string;
  accessRole: 'super admin' | 'admin' | 'team member' | 'limited team member' | 'interviewer';
  photo: string | null; createdAt: number; deactivatedAt: number | null; externalDirectoryId: string | null;
  linkedContactIds: string[]; jobTitle: string | null; managerId: string | null;
}

export const POSTING_STATES = ['published', 'internal', 'closed', 'draft', 'pending', 'rejected'] as const;
export type PostingState = (typeof POSTING_STATES)[number];

export interface Posting {
  id: string; text: string; state: PostingState; distributionChannels: string[];
  user: string; owner: string; hiringManager: string | null; confidentiality: string;
  categories: { team: string | null; department: string | null; location: string | null; allLocations: string[]; commitment: string | null; level: string | null };
  tags: string[]; content: { description: string; descriptionHtml: string; lists: unknown[]; closing: string; closingHtml: string };
  country: string | null; followers: string[]; reqCode: string | null; requisitionCodes: string[];
  urls: { list: string; show: string; apply: string }; workplaceType: 'onsite' | 'remote' | 'hybrid' | 'unspecified';
  createdAt: number; updatedAt: number;
}

export interface Application {
  id: string; type: 'posting' | 'referral' | 'user' | 'agency'; candidateId: string; opportunityId: string;
  posting: string | null; postingHiringManager: string | null; postingOwner: string | null; user: string | null;
  name: string | null; email: string | null; phone: string | null; company: string | null; links: string[]; comments: string | null;
  customQuestions: unknown[]; createdAt: number; archived: null | { reason: string; archivedAt: number }; requisitionForHire: null;
}

export const ORIGINS = ['agency', 'applied', 'internal', 'referred', 'sourced', 'university'] as const;

export interface Opportunity {
  id: string; name: string; headline: string; contact: string; emails: string[]; phones: Array<{ type: string; value: string }>;
  confidentiality: string; location: string; links: string[]; createdAt: number; updatedAt: number;
  lastInteractionAt: number; lastAdvancedAt: number; snoozedUntil: number | null;
  archived: null | { reason: string; archivedAt: number }; stage: string;
  stageChanges: Array<{ toStageId: string; toStageIndex: number; userId: string | null; updatedAt: number }>;
  owner: string | null; tags: string[]; sources: string[]; origin: (typeof ORIGINS)[number]; sourcedBy: string | null;
  applications: string[]; resume: null; followers: string[]; isAnonymized: boolean; dataProtection: null;
  urls: { list: string; show: string };
}

export interface TemplateField {
  id: string; type: string; text: string; description: string; required: boolean;
  options?: Array<{ text: string }>;
}

export interface FeedbackTemplate {
  id: string; text: string; instructions: string; group: { id: string; name: string } | null;
  fields: TemplateField[]; createdAt: number; updatedAt: number;
}

export interface Note {
  id: string; opportunityId: string; value: string; secret: boolean; score: number | null; notifyFollowers: boolean;
  user: string | null; parentNoteId: string | null; createdAt: number;
}

export interface Feedback {
  id: string; opportunityId: string; type: 'interview'; text: string; instructions: string; baseTemplateId: string;
  user: string; panel: string | null; interview: string | null;
  fields: Array<TemplateField & { value: unknown }>; fieldValues: Array<{ id: string; value: unknown }>;
  createdAt: number; completedAt: number | null; updatedAt: number; deletedAt: null;
}

export interface LeverState {
  stages: Stage[];
  users: Map<string, User>;
  postings: Map<string, Posting>;
  opportunities: Map<string, Opportunity>;
  applications: Map<string, Application>;
  templates: Map<string, FeedbackTemplate>;
  notes: Note[];
  feedback: Feedback[];
}

/** The four rating options are a fixed element of every Lever feedback form. */
export const RATING_OPTIONS = ['4 - Strong Hire', '3 - Hire', '2 - No Hire', '1 - Strong No Hire'] as const;

export const DEFAULT_IDS = {
  user: '7f3c1a2e-5b4d-4c6e-8f9a-0b1c2d3e4f50',
  posting: '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9',
  opportunity: '4fa0b5a6-1b0c-4e35-9c1d-2f8a7e6d5c4b',
  contact: '9b1d3f5e-7a2c-4e6b-8d0f-1a3c5e7b9d2f',
  triggerStage: 'c2f7e8d1-assay-assessment',
  template: 'b8c9d0e1-f2a3-4b4c-8d5e-6f7a8b9c0d1e',
  ratingField: 'a0b1c2d3-rating',
} as const;

export const TRIGGER_STAGE_NAME = 'Assay Assessment';

export function emptyState(): LeverState {
  return { stages: [], users: new Map(), postings: new Map(), opportunities: new Map(), applications: new Map(), templates: new Map(), notes: [], feedback: [] };
}

// ---------- seed input (partial objects; the simulator fills the rest) ----------

export interface SeedStage { id?: string; text: string }
export interface SeedUser { id?: string; name: string; email: string; accessRole?: User['accessRole'] }
export interface SeedPosting { id?: string; text: string; state?: PostingState; tags?: string[]; owner?: string; team?: string; location?: string; commitment?: string }
export interface SeedOpportunity {
  id?: string; name: string; emails?: string[]; email?: string; phones?: string[]; headline?: string;
  /** stage id or stage name; default the first stage */
  stage?: string; posting?: string | null; tags?: string[]; origin?: Opportunity['origin']; owner?: string; contact?: string;
}
export interface SeedTemplate { id?: string; text: string; instructions?: string; fields: Array<Partial<TemplateField> & { text: string; type: string }> }

export interface LeverSeed {
  stages?: SeedStage[];
  users?: SeedUser[];
  postings?: SeedPosting[];
  opportunities?: SeedOpportunity[];
  feedback_templates?: SeedTemplate[];
}

export function ratingField(id: string = DEFAULT_IDS.ratingField, type = 'score'): TemplateField {
  // UNCONFIRMED: the docs example types the rating "score"; the docs' type list and Activepieces say "score-system" ([I] find it by options/text)
  return { id, type, text: 'Rating', description: '', required: true, options: RATING_OPTIONS.map((text) => ({ text })) };
}

export function defaultSeed(ratingFieldType = 'score'): LeverSeed {
  return {
    stages: [
      { id: 'lead-new', text: 'New lead' },
      { id: 'lead-reached-out', text: 'Reached out' },
      { id: 'applicant-new', text: 'New applicant' },
      { id: 'd1b0f8a2-recruiter-screen', text: 'Recruiter screen' },
      { id: DEFAULT_IDS.triggerStage, text: TRIGGER_STAGE_NAME },
      { id: 'e3a9c4b7-onsite', text: 'On-site interview' },
      { id: 'offer', text: 'Offer' },
    ],
    users: [{ id: DEFAULT_IDS.user, name: 'Rita Recruiter', email: 'rita@example.com', accessRole: 'super admin' }],
    postings: [{ id: DEFAULT_IDS.posting, text: 'Data Analyst', state: 'published', tags: ['assay:numerical-30'], team: 'Analytics', location: 'Remote', commitment: 'Full-time' }],
    opportunities: [{ id: DEFAULT_IDS.opportunity, contact: DEFAULT_IDS.contact, name: 'Ada Lovelace', emails: ['ada@example.com'], phones: ['+44 20 7946 0000'], stage: 'lead-new', posting: DEFAULT_IDS.posting, origin: 'applied' }],
    feedback_templates: [
      {
        id: DEFAULT_IDS.template, text: 'Assay assessment result', instructions: 'Filled in by Assay when the candidate finishes.',
        fields: [
          { ...ratingField(DEFAULT_IDS.ratingField, ratingFieldType) },
          { id: 'a0b1c2d3-summary', type: 'textarea', text: 'Summary', required: false },
          { id: 'a0b1c2d3-report', type: 'text', text: 'Report link', required: false },
        ],
      },
    ],
  };
}

function username(email: string): string {
  return email.split('@')[0] ?? email;
}

export class SeedError extends Error {}

/** Adds (or replaces, by id) the seeded objects; returns the ids created. */
export function applySeed(state: LeverState, seed: LeverSeed, origin: string): Record<string, string[]> {
  const now = Date.now();
  const out: Record<string, string[]> = { stages: [], users: [], postings: [], opportunities: [], feedback_templates: [] };
  for (const s of seed.stages ?? []) {
    if (typeof s?.text !== 'string') throw new SeedError('stages[].text is required');
    const id = s.id ?? randomUUID();
    const i = state.stages.findIndex((x) => x.id === id);
    if (i >= 0) state.stages[i] = { id, text: s.text };
    else state.stages.push({ id, text: s.text });
    out.stages!.push(id);
  }
  for (const u of seed.users ?? []) {
    if (typeof u?.name !== 'string' || typeof u.email !== 'string') throw new SeedError('users[].name and users[].email are required');
    const id = u.id ?? randomUUID();
    state.users.set(id, {
      id, name: u.name, username: username(u.email), email: u.email, accessRole: u.accessRole ?? 'team member', photo: null,
      createdAt: now, deactivatedAt: null, externalDirectoryId: null, linkedContactIds: [], jobTitle: null, managerId: null,
    });
    out.users!.push(id);
  }
  const anyUser = () => [...state.users.keys()][0] ?? DEFAULT_IDS.user;
  for (const p of seed.postings ?? []) {
    if (typeof p?.text !== 'string') throw new SeedError('postings[].text is required');
    if (p.state && !POSTING_STATES.includes(p.state)) throw new SeedError(`postings[].state must be one of ${POSTING_STATES.join(', ')}`);
    const id = p.id ?? randomUUID();
    const owner = p.owner ?? anyUser();
    state.postings.set(id, {
      id, text: p.text, state: p.state ?? 'published', distributionChannels: ['public', 'internal'], user: owner, owner, hiringManager: null,
      confidentiality: 'non-confidential',
      categories: { team: p.team ?? null, department: null, location: p.location ?? null, allLocations: p.location ? [p.location] : [], commitment: p.commitment ?? null, level: null },
      tags: [...(p.tags ?? [])], content: { description: '', descriptionHtml: '', lists: [], closing: '', closingHtml: '' },
      country: null, followers: [], reqCode: null, requisitionCodes: [],
      urls: { list: `${origin}/jobs`, show: `${origin}/jobs/${id}`, apply: `${origin}/jobs/${id}/apply` }, workplaceType: 'unspecified',
      createdAt: now, updatedAt: now,
    });
    out.postings!.push(id);
  }
  for (const o of seed.opportunities ?? []) {
    if (typeof o?.name !== 'string') throw new SeedError('opportunities[].name is required');
    const id = o.id ?? randomUUID();
    const stage = o.stage ? resolveStage(state, o.stage) : state.stages[0];
    if (!stage) throw new SeedError(`opportunities[].stage ${o.stage ?? '(default)'} does not exist`);
    if (o.posting && !state.postings.has(o.posting)) throw new SeedError(`opportunities[].posting ${o.posting} does not exist`);
    const emails = o.emails ?? (o.email ? [o.email] : []);
    const applications: string[] = [];
    if (o.posting) {
      const posting = state.postings.get(o.posting)!;
      const appId = randomUUID();
      state.applications.set(appId, {
        id: appId, type: 'posting', candidateId: id, opportunityId: id, posting: o.posting, postingHiringManager: posting.hiringManager,
        postingOwner: posting.owner, user: null, name: o.name, email: emails[0] ?? null, phone: o.phones?.[0] ?? null, company: null, links: [],
        comments: null, customQuestions: [], createdAt: now, archived: null, requisitionForHire: null,
      });
      applications.push(appId);
    }
    const inheritedTags = o.posting ? state.postings.get(o.posting)!.tags : [];
    state.opportunities.set(id, {
      id, name: o.name, headline: o.headline ?? '', contact: o.contact ?? randomUUID(), emails, phones: (o.phones ?? []).map((value) => ({ type: 'mobile', value })),
      confidentiality: 'non-confidential', location: '', links: [], createdAt: now, updatedAt: now, lastInteractionAt: now, lastAdvancedAt: now,
      snoozedUntil: null, archived: null, stage: stage.id,
      stageChanges: [{ toStageId: stage.id, toStageIndex: state.stages.indexOf(stage), userId: null, updatedAt: now }],
      owner: o.owner ?? null, tags: [...new Set([...inheritedTags, ...(o.tags ?? [])])], sources: [], origin: o.origin ?? 'applied', sourcedBy: null,
      applications, resume: null, followers: [], isAnonymized: false, dataProtection: null,
      urls: { list: `${origin}/candidates`, show: `${origin}/candidates/${id}` },
    });
    out.opportunities!.push(id);
  }
  for (const t of seed.feedback_templates ?? []) {
    if (typeof t?.text !== 'string' || !Array.isArray(t.fields)) throw new SeedError('feedback_templates[].text and .fields are required');
    const id = t.id ?? randomUUID();
    const fields: TemplateField[] = t.fields.map((f) => ({
      id: f.id ?? randomUUID(), type: f.type, text: f.text, description: f.description ?? '', required: f.required ?? false,
      ...(f.options ? { options: f.options.map((x) => ({ text: x.text })) } : {}),
    }));
    state.templates.set(id, { id, text: t.text, instructions: t.instructions ?? '', group: null, fields, createdAt: now, updatedAt: now });
    out.feedback_templates!.push(id);
  }
  return out;
}

export function resolveStage(state: LeverState, idOrName: string): Stage | undefined {
  return state.stages.find((s) => s.id === idOrName) ?? state.stages.find((s) => s.text.toLowerCase() === idOrName.toLowerCase());
}
