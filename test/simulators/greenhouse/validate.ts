/**
 * The rules Greenhouse applies to an Assessment Partner's replies (GH-A): snake_case names, null
 * rather than missing, string ids, flat primitive `metadata`, `partner_profile_url` when complete.
 * Each function returns the list of broken rules (empty = valid), worded for `response_error.errors`.
 */

const SNAKE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function snakeCase(obj: Record<string, unknown>, where: string, errors: string[]): void {
  for (const k of Object.keys(obj)) if (!SNAKE.test(k)) errors.push(`${where}${k} is not snake_case`);
}

function present(obj: Record<string, unknown>, key: string, where: string, errors: string[]): boolean {
  if (!(key in obj) || obj[key] === undefined) {
    errors.push(`${where}${key} is missing (send null when there is no value)`);
    return false;
  }
  return true;
}

export function checkListTests(body: unknown): string[] {
  const errors: string[] = [];
  if (!Array.isArray(body)) return ['list_tests response must be a JSON array'];
  body.forEach((t, i) => {
    const at = `[${i}].`;
    if (!isObj(t)) return void errors.push(`list_tests item ${i} must be an object`);
    snakeCase(t, at, errors);
    for (const k of ['partner_test_id', 'partner_test_name']) {
      if (present(t, k, at, errors) && (typeof t[k] !== 'string' || t[k] === '')) errors.push(`${at}${k} must be a non-empty string`);
    }
  });
  return errors;
}

export function checkSendTest(body: unknown): string[] {
  const errors: string[] = [];
  if (!isObj(body)) return ['send_test response must be a JSON object'];
  snakeCase(body, '', errors);
  // UNCONFIRMED: documented as String; old examples used numbers — we flag numbers as a violation
  if (present(body, 'partner_interview_id', '', errors) && (typeof body.partner_interview_id !== 'string' || body.partner_interview_id === '')) {
    errors.push('partner_interview_id must be a non-empty string');
  }
  return errors;
}

export function checkTestStatus(body: unknown): string[] {
  const errors: string[] = [];
  if (!isObj(body)) return ['test_status response must be a JSON object'];
  snakeCase(body, '', errors);
  if (present(body, 'partner_status', '', errors) && typeof body.partner_status !== 'string') errors.push('partner_status must be a string');
  // UNCONFIRMED: that Greenhouse reports a MISSING optional key (rather than only wrong values) — the "null, never missing" convention applied to replies
  const hasUrl = present(body, 'partner_profile_url', '', errors);
  if (body.partner_status === 'complete' && (typeof body.partner_profile_url !== 'string' || body.partner_profile_url === '')) {
    errors.push("partner_status is 'complete' but partner_profile url is missing");
  } else if (hasUrl && body.partner_profile_url !== null) {
    if (typeof body.partner_profile_url !== 'string' || !/^https?:\/\/\S+$/.test(body.partner_profile_url)) errors.push('partner_profile_url must be an absolute URL or null');
  }
  if (present(body, 'partner_score', '', errors) && body.partner_score !== null && (typeof body.partner_score !== 'number' || !Number.isFinite(body.partner_score))) {
    errors.push('partner_score must be a number or null');
  }
  if (present(body, 'metadata', '', errors) && body.metadata !== null) {
    if (!isObj(body.metadata)) errors.push('metadata must be a flat object or null');
    else {
      for (const [k, v] of Object.entries(body.metadata)) {
        if (v !== null && !['string', 'number', 'boolean'].includes(typeof v)) errors.push(`metadata["${k}"] must be a primitive (metadata is flat)`);
      }
    }
  }
  return errors;
}
