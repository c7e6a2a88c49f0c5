import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { ValidationTargets } from 'hono';
import { validator } from 'hono-openapi';
import { errorBody } from '../errors.ts';
import { raises } from './error-codes.ts';

const pathOf = (issue: StandardSchemaV1.Issue) =>
  (issue.path ?? []).map((p) => (typeof p === 'object' && p !== null && 'key' in p ? String(p.key) : String(p))).join('.');

/** Validates one request part with a valibot schema (which also feeds /openapi.json); 400 in our error shape. */
export function valid<S extends StandardSchemaV1, T extends keyof ValidationTargets>(target: T, schema: S) {
  const where = target === 'json' ? 'body' : target;
  // A JSON body that does not parse is answered 400 malformed_json (onError); one without a JSON type 400 bad_request.
  const codes = target === 'json' ? ['invalid_body', 'malformed_json', 'bad_request'] : [`invalid_${where}`];
  const mw = validator(target, schema, (result, c) => {
    if (!result.success) {
      const issue = result.error[0]!;
      const path = pathOf(issue);
      return c.json(errorBody(`invalid_${where}`, `${path ? `"${path}": ` : ''}${issue.message}`), 400);
    }
  });
  return raises(mw, { 400: codes });
}
