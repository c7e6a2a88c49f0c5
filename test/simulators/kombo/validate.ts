/**
 * Kombo request-body validation, per /work/shared/contracts/unified-apis.md §1.2.
 * Each validator returns a list of problems ("path: message"); empty = valid.
 * Warnings are things Kombo accepts but tells you about (it returns `warnings: [{message}]`).
 */
import { isHttpUrl, isRecord, Problems } from '../shared/index.ts';

export const PACKAGE_TYPES = ['BEHAVIORAL', 'VIDEO_INTERVIEW', 'SKILLS_TEST', 'BACKGROUND_CHECK', 'REFERENCE_CHECK'] as const;
export const ORDER_STATUSES = ['OPEN', 'COMPLETED', 'CANCELLED', 'REJECTED'] as const;
export const RESULT_STATUSES = ['COMPLETED', 'CANCELLED', 'OPEN'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/**
 * Kombo's timestamp pattern for `completed_at` and `created_after`: milliseconds optional, a date alone
 * allowed, no offsets. Kombo's OpenAPI (`PutAssessmentOrders…RequestBody`, mirrored in api-evangelist/kombo
 * openapi/kombo-openapi.json) and kombohq/typescript-sdk; contracts/unified-apis.md §0.
 */
export const KOMBO_DATETIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?)?Z?$/;
export const isKomboDateTime = (v: unknown): v is string => typeof v === 'string' && KOMBO_DATETIME.test(v) && !Number.isNaN(Date.parse(v));

export interface KomboPackageInput {
  id: string;
  type: (typeof PACKAGE_TYPES)[number];
  name: string;
  description: string;
}

export function validatePutPackages(body: unknown): { problems: string[]; packages: KomboPackageInput[] } {
  const p = new Problems();
  if (!isRecord(body)) return { problems: ['body: must be a JSON object { packages: [...] }'], packages: [] };
  if (!Array.isArray(body.packages)) return { problems: ['packages: required array'], packages: [] };
  const seen = new Set<string>();
  body.packages.forEach((pkg, i) => {
    const at = `packages[${i}]`;
    if (!isRecord(pkg)) return p.add(at, 'must be an object');
    if (typeof pkg.id !== 'string' || pkg.id === '') p.add(`${at}.id`, 'required non-empty string');
    else if (seen.has(pkg.id)) p.add(`${at}.id`, `duplicate id "${pkg.id}"`); // UNCONFIRMED: Kombo's handling of duplicate ids is not documented [I]
    else seen.add(pkg.id);
    if (!PACKAGE_TYPES.includes(pkg.type as never)) p.add(`${at}.type`, `required, one of ${PACKAGE_TYPES.join(', ')}`);
    if (typeof pkg.name !== 'string' || pkg.name === '') p.add(`${at}.name`, 'required non-empty string');
    if (typeof pkg.description !== 'string') p.add(`${at}.description`, 'required string');
  });
  return { problems: p.list, packages: p.ok ? (body.packages as KomboPackageInput[]) : [] };
}

const RESULT_KEYS = new Set(['status', 'result_url', 'completed_at', 'score', 'max_score', 'attributes', 'attachments', 'remote_fields']);

export function validatePutResult(body: unknown): { problems: string[]; warnings: string[] } {
  const p = new Problems();
  const warnings: string[] = [];
  if (!isRecord(body)) return { problems: ['body: must be a JSON object'], warnings };
  if (!RESULT_STATUSES.includes(body.status as never)) p.add('status', `required, one of ${RESULT_STATUSES.join(', ')}`);
  if (typeof body.result_url !== 'string' || body.result_url === '') p.add('result_url', 'required string');
  else if (!isHttpUrl(body.result_url)) p.add('result_url', 'must be an absolute http(s) URL'); // UNCONFIRMED: schema says string; a URL is what the ATS links to [I]
  if (body.completed_at !== undefined && body.completed_at !== null && !isKomboDateTime(body.completed_at))
    p.add('completed_at', `must match ${KOMBO_DATETIME.source}`);
  if ((body.status === 'COMPLETED' || body.status === 'CANCELLED') && (body.completed_at === undefined || body.completed_at === null))
    warnings.push('completed_at should be sent whenever status is COMPLETED or CANCELLED.');
  for (const k of ['score', 'max_score'] as const)
    if (body[k] !== undefined && body[k] !== null && (typeof body[k] !== 'number' || !Number.isFinite(body[k]))) p.add(k, 'must be a number');
  if (body.attributes !== undefined) {
    if (!Array.isArray(body.attributes)) p.add('attributes', 'must be an array');
    else body.attributes.forEach((a, i) => validateAttribute(a, `attributes[${i}]`, p));
  }
  if (body.attachments !== undefined) {
    if (!Array.isArray(body.attachments)) p.add('attachments', 'must be an array');
    else {
      if (body.attachments.length > 5) p.add('attachments', `at most 5 attachments (got ${body.attachments.length})`);
      body.attachments.forEach((a, i) => validateAttachment(a, `attachments[${i}]`, p, warnings));
    }
  }
  if (body.remote_fields !== undefined && !isRecord(body.remote_fields)) p.add('remote_fields', 'must be an object');
  if (isRecord(body.remote_fields)) {
    const rf = body.remote_fields;
    if (rf.recruitee !== undefined && !(isRecord(rf.recruitee) && (rf.recruitee.subtitle === undefined || typeof rf.recruitee.subtitle === 'string')))
      p.add('remote_fields.recruitee', 'must be { subtitle?: string }');
    if (rf.smartrecruiters !== undefined && !(isRecord(rf.smartrecruiters) && (rf.smartrecruiters.score_label === undefined || typeof rf.smartrecruiters.score_label === 'string')))
      p.add('remote_fields.smartrecruiters', 'must be { score_label?: string }');
  }
  for (const k of Object.keys(body))
    if (!RESULT_KEYS.has(k)) warnings.push(`Unknown field "${k}" was ignored.`); // UNCONFIRMED: Kombo may strip or reject unknown keys [I]
  return { problems: p.list, warnings };
}

function validateAttribute(a: unknown, at: string, p: Problems): void {
  if (!isRecord(a)) return p.add(at, 'must be an object');
  if (a.type === 'TEXT') {
    if (typeof a.label !== 'string') p.add(`${at}.label`, 'required string');
    if (typeof a.value !== 'string') p.add(`${at}.value`, 'required string');
  } else if (a.type === 'SUB_RESULT') {
    if (typeof a.id !== 'string' || a.id === '') p.add(`${at}.id`, 'required string');
    if (typeof a.label !== 'string') p.add(`${at}.label`, 'required string');
    if (!isRecord(a.score)) p.add(`${at}.score`, 'required { value: number, max: number >= 1 }');
    else {
      if (typeof a.score.value !== 'number' || !Number.isFinite(a.score.value)) p.add(`${at}.score.value`, 'required number');
      if (typeof a.score.max !== 'number' || !Number.isFinite(a.score.max) || a.score.max < 1) p.add(`${at}.score.max`, 'required number >= 1');
    }
    if (a.status !== 'COMPLETED' && a.status !== 'CANCELLED') p.add(`${at}.status`, 'required, COMPLETED or CANCELLED');
  } else p.add(`${at}.type`, 'must be TEXT or SUB_RESULT');
}

function validateAttachment(a: unknown, at: string, p: Problems, warnings: string[]): void {
  if (!isRecord(a)) return p.add(at, 'must be an object');
  if (typeof a.name !== 'string' || a.name === '') p.add(`${at}.name`, 'required string');
  const hasData = a.data !== undefined && a.data !== null;
  const hasUrl = a.data_url !== undefined && a.data_url !== null;
  if (!hasData && !hasUrl) p.add(at, 'either data or data_url is required');
  if (hasData) {
    if (typeof a.data !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(a.data) || a.data.length % 4 !== 0) p.add(`${at}.data`, 'must be a base64 string');
    if (a.content_type === undefined || a.content_type === null) p.add(`${at}.content_type`, 'required when data is given');
  }
  if (hasUrl && !isHttpUrl(a.data_url)) p.add(`${at}.data_url`, 'must be an absolute http(s) URL');
  if (a.content_type !== undefined && a.content_type !== null) {
    if (typeof a.content_type !== 'string' || !/^[\w.+-]+\/[\w.+-]+$/.test(a.content_type)) p.add(`${at}.content_type`, 'must look like type/subtype');
    else if (a.content_type === 'application/octet-stream')
      warnings.push(`${at}: avoid the generic content type application/octet-stream; the ATS may not display the file.`);
  }
}

export interface OrdersQuery {
  cursor?: string;
  page_size: number;
  ids?: string[];
  statuses?: OrderStatus[];
  created_after?: string;
}

export function parseOrdersQuery(q: Record<string, string>, opts: { allowFilters: boolean }): { problems: string[]; query: OrdersQuery } {
  const p = new Problems();
  const query: OrdersQuery = { page_size: 100 };
  if (q.page_size !== undefined) {
    const n = Number(q.page_size);
    if (!/^\d+$/.test(q.page_size) || n < 1 || n > 250) p.add('page_size', 'must be an integer between 1 and 250');
    else query.page_size = n;
  }
  if (q.cursor !== undefined && q.cursor !== '') query.cursor = q.cursor;
  if (opts.allowFilters) {
    if (q.ids !== undefined && q.ids !== '') query.ids = q.ids.split(',').map((s) => s.trim()).filter(Boolean);
    if (q.statuses !== undefined && q.statuses !== '') {
      const list = q.statuses.split(',').map((s) => s.trim());
      const bad = list.filter((s) => !ORDER_STATUSES.includes(s as never));
      if (bad.length) p.add('statuses', `unknown status ${bad.join(', ')}; use a comma-separated subset of ${ORDER_STATUSES.join(',')}`);
      else query.statuses = list as OrderStatus[];
    }
    if (q.created_after !== undefined && q.created_after !== '') {
      if (!isKomboDateTime(q.created_after)) p.add('created_after', `must match ${KOMBO_DATETIME.source}`);
      else query.created_after = q.created_after;
    }
  }
  return { problems: p.list, query };
}
