import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { ValidationTargets } from 'hono';
import { validator } from 'hono-openapi';
import { errorBody } from '../errors.ts';

const pathOf = (issue: StandardSchemaV1.Issue) =>
  (issue.path ?? []).map((p) => (typeof p === 'object' && p !== null && 'key' in p ? String(p.key) : String(p))).join('.');

/** Validates one request part with a valibot schema (which also feeds /openapi.json); 400 in our error shape. */
export function valid<S extends StandardSchemaV1, T extends keyof ValidationTargets>(target: T, schema: S) {
  return validator(target, schema, (result, c) => {
    if (!result.success) {
      const issue = result.error[0]!;
      const path = pathOf(issue);
      const where = target === 'json' ? 'body' : target;
      return c.json(errorBody(`invalid_${where}`, `${path ? `"${path}": ` : ''}${issue.message}`), 400);
    }
  });
}
