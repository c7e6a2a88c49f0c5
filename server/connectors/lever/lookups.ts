// Small Lever lookups cached per connection in connectorState: stage names, the perform_as user,
// and the feedback template that carries the fixed Rating question.
import { PermanentError } from '../../http/client.ts';
import type { LeverClient } from './client.ts';
import { leverSettings } from './settings.ts';

const STAGES_KEY = 'stages';
const TEMPLATE_KEY = 'feedback_template';
const PERFORM_AS_KEY = 'perform_as_user';
const STAGES_TTL_MS = 10 * 60_000;
const TEMPLATE_TTL_MS = 30 * 60_000;

export interface Stage {
  id: string;
  text: string;
}
export interface TemplateField {
  id: string;
  type: string;
  text: string;
  required?: boolean;
  options?: { text: string }[];
}
export interface FeedbackTemplate {
  id: string;
  text: string;
  fields: TemplateField[];
}

/** Concurrent callers of one lookup share one request. */
const shared = new Map<string, Promise<unknown>>();
function once<T>(key: string, fn: () => Promise<T>): Promise<T> {
  let p = shared.get(key) as Promise<T> | undefined;
  if (!p) {
    p = fn().finally(() => shared.delete(key));
    shared.set(key, p);
  }
  return p;
}

/** The stage's name; the webhook carries only ids, so GET /stages is cached and re-read when an id is new. */
export async function stageName(client: LeverClient, stageId: string): Promise<string | null> {
  const id = client.connection.id;
  const state = client.svc.store.connectorState;
  const cached = await state.get<{ fetched_at: number; stages: Stage[] }>(id, STAGES_KEY);
  const hit = cached?.stages.find((s) => s.id === stageId);
  if (cached && hit && Date.now() - cached.fetched_at < STAGES_TTL_MS) return hit.text;
  const stages = await once(`stages:${id}`, async () => {
    const list = (await client.list<Stage>('/stages')).map((s) => ({ id: s.id, text: s.text }));
    await state.put(id, STAGES_KEY, { fetched_at: Date.now(), stages: list });
    return list;
  });
  return stages.find((s) => s.id === stageId)?.text ?? null;
}

/** The Lever user we act as (feedback and posting writes require one): an id, or an e-mail looked up once. */
export async function performAsUser(client: LeverClient): Promise<string> {
  const configured = leverSettings(client.svc, client.connection).performAs;
  if (!configured) throw new PermanentError('Set perform_as (the Lever user Assay writes as) on this connection; Lever requires it for feedback and posting changes.');
  if (!configured.includes('@')) return configured;
  const state = client.svc.store.connectorState;
  const cached = await state.get<{ email: string; id: string }>(client.connection.id, PERFORM_AS_KEY);
  if (cached?.email === configured) return cached.id;
  return once(`user:${client.connection.id}`, async () => {
    const users = await client.list<{ id: string; email: string }>('/users', { email: configured }, 1);
    const user = users.find((u) => u.email.toLowerCase() === configured.toLowerCase());
    if (!user) throw new PermanentError(`perform_as names ${configured}, but Lever has no user with that e-mail.`);
    await state.put(client.connection.id, PERFORM_AS_KEY, { email: configured, id: user.id });
    return user.id;
  });
}

/** The Rating question is a fixed element of every Lever form; find it by its options or its text, not its type. */
export function ratingField(t: FeedbackTemplate): TemplateField | undefined {
  return (
    t.fields.find((f) => (f.options ?? []).some((o) => /^\s*[1-4]\s*-\s*(strong\s+)?(no\s+)?hire\b/i.test(o.text))) ??
    t.fields.find((f) => f.text.trim().toLowerCase() === 'rating' && (f.options ?? []).length > 0)
  );
}

/** Our template: one whose name mentions Assay, else the first with a Rating field. */
export async function feedbackTemplate(client: LeverClient): Promise<FeedbackTemplate> {
  const id = client.connection.id;
  const state = client.svc.store.connectorState;
  const cached = await state.get<{ fetched_at: number; template: FeedbackTemplate }>(id, TEMPLATE_KEY);
  if (cached && Date.now() - cached.fetched_at < TEMPLATE_TTL_MS) return cached.template;
  return once(`template:${id}`, async () => {
    const all = await client.list<FeedbackTemplate>('/feedback_templates');
    const usable = all.filter((t) => Array.isArray(t.fields) && ratingField(t));
    // UNCONFIRMED: which template a partner should use; Lever lets partners create one (feedback_templates:write:admin), we pick an existing one
    const template = usable.find((t) => /assay/i.test(t.text)) ?? usable[0];
    if (!template) throw new PermanentError('Lever has no feedback template with the Rating question; create one (e.g. "Assay assessment result") and the result will be written.');
    const slim: FeedbackTemplate = { id: template.id, text: template.text, fields: template.fields.map((f) => ({ id: f.id, type: f.type, text: f.text, required: !!f.required, ...(f.options ? { options: f.options.map((o) => ({ text: o.text })) } : {}) })) };
    await state.put(id, TEMPLATE_KEY, { fetched_at: Date.now(), template: slim });
    return slim;
  });
}
