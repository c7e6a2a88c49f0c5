/**
 * StackOne request/response validation, per /work/shared/contracts/unified-apis.md §2.3 and §2.5.
 */
import { isIsoDateTime, isRecord, Problems } from '../shared/index.ts';

export const RESULT_VALUES = ['initiated', 'in_progress', 'cancelled', 'completed', 'expired', 'failed', 'passed'] as const;
export const ATTACHMENT_TYPES = ['text', 'pdf', 'video', 'other'] as const;
const RESULT_KEYS = new Set(['id', 'result_url', 'score', 'result', 'summary', 'start_date', 'submission_date', 'attachments', 'candidate', 'passthrough']);

const strOrNull = (v: unknown) => v === undefined || v === null || typeof v === 'string';

/** PATCH /unified/ats/assessments/orders/:id/result body. Every field is optional and nullable. */
export function validateUpdateResult(body: unknown): string[] {
  const p = new Problems();
  if (!isRecord(body)) return ['body must be a JSON object'];
  for (const k of Object.keys(body))
    // UNCONFIRMED: whether StackOne rejects or strips unknown properties is not documented; rejecting catches
    // e.g. a `test_results` field, which does not exist on this DTO (§2.3 [NF]).
    if (!RESULT_KEYS.has(k)) p.add(k, 'property should not exist');
  for (const k of ['id', 'result_url', 'summary'] as const) if (!strOrNull(body[k])) p.add(k, 'must be a string');
  for (const k of ['start_date', 'submission_date'] as const)
    if (body[k] !== undefined && body[k] !== null && !isIsoDateTime(body[k])) p.add(k, 'must be an ISO 8601 date-time string');
  if (body.score !== undefined && body.score !== null) {
    if (!isRecord(body.score)) p.add('score', 'must be an object { label?, value?, min?, max? }');
    else
      for (const k of ['label', 'value', 'min', 'max'] as const)
        if (!strOrNull(body.score[k])) p.add(`score.${k}`, `must be a string (got ${typeof body.score[k]}); StackOne scores are strings, e.g. "80"`);
  }
  if (body.result !== undefined && body.result !== null) {
    if (!isRecord(body.result)) p.add('result', 'must be an object { value?, source_value? }');
    else if (body.result.value !== undefined && body.result.value !== null && !RESULT_VALUES.includes(body.result.value as never))
      p.add('result.value', `must be one of ${RESULT_VALUES.join(', ')}`);
  }
  if (body.attachments !== undefined && body.attachments !== null) {
    if (!Array.isArray(body.attachments)) p.add('attachments', 'must be an array');
    else
      body.attachments.forEach((a, i) => {
        if (!isRecord(a)) return p.add(`attachments[${i}]`, 'must be an object { url?, content_type? }');
        if (!strOrNull(a.url)) p.add(`attachments[${i}].url`, 'must be a string (attachments are URLs, not base64)');
        if ('data' in a) p.add(`attachments[${i}].data`, 'property should not exist (attachments are URLs)');
        if (a.content_type !== undefined && a.content_type !== null) {
          if (!isRecord(a.content_type)) p.add(`attachments[${i}].content_type`, 'must be an object { value?, source_value? }');
          else if (a.content_type.value !== undefined && a.content_type.value !== null && !ATTACHMENT_TYPES.includes(a.content_type.value as never))
            p.add(`attachments[${i}].content_type.value`, `must be one of ${ATTACHMENT_TYPES.join(', ')}`);
        }
      });
  }
  if (body.candidate !== undefined && body.candidate !== null) {
    if (!isRecord(body.candidate)) p.add('candidate', 'must be an object { id?, profile_url? }');
    else for (const k of ['id', 'profile_url'] as const) if (!strOrNull(body.candidate[k])) p.add(`candidate.${k}`, 'must be a string');
  }
  if (body.passthrough !== undefined && body.passthrough !== null && !isRecord(body.passthrough)) p.add('passthrough', 'must be an object');
  return p.list;
}

export interface PickerPackage {
  id: string;
  name: string;
  description?: string | null;
  remote_id?: string | null;
}

/**
 * Our package-list endpoint's answer. UNCONFIRMED: §2.5 infers `{ data: [{ id, name, description }], next? }`
 * ("must conform to GET /ats/assessments/packages"); a bare array is flagged unless acceptBareArray.
 */
export function validatePackageListAnswer(status: number, json: unknown, opts: { acceptBareArray: boolean }): { valid: boolean; problems: string[]; warnings: string[]; packages: PickerPackage[] } {
  const p = new Problems();
  const warnings: string[] = [];
  if (status !== 200) p.add('status', `expected 200, got ${status}`);
  let list: unknown;
  if (Array.isArray(json)) {
    if (!opts.acceptBareArray) p.add('body', 'a bare array is not the GET /ats/assessments/packages structure; answer { "data": [...] }');
    list = json;
  } else if (isRecord(json)) {
    if (!Array.isArray(json.data)) p.add('data', 'required array');
    else list = json.data;
    if (json.next !== undefined && json.next !== null && typeof json.next !== 'string') p.add('next', 'must be a string or null');
  } else p.add('body', 'must be JSON { "data": [...] }');
  const packages: PickerPackage[] = [];
  if (Array.isArray(list))
    list.forEach((x, i) => {
      if (!isRecord(x)) return p.add(`data[${i}]`, 'must be an object');
      if (typeof x.id !== 'string' || x.id === '') p.add(`data[${i}].id`, 'required non-empty string');
      if (typeof x.name !== 'string' || x.name === '') p.add(`data[${i}].name`, 'required non-empty string (the recruiter sees it)');
      if (!strOrNull(x.description)) p.add(`data[${i}].description`, 'must be a string or null');
      if (!strOrNull(x.remote_id)) p.add(`data[${i}].remote_id`, 'must be a string or null');
      if (typeof x.id === 'string' && typeof x.name === 'string')
        packages.push({ id: x.id, name: x.name, description: (x.description as string | null | undefined) ?? null, ...(typeof x.remote_id === 'string' ? { remote_id: x.remote_id } : {}) });
    });
  if (Array.isArray(list) && list.length === 0) warnings.push('data is empty: the recruiter has nothing to pick');
  return { valid: p.ok, problems: p.list, warnings, packages };
}
