import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { MiddlewareHandler, ValidationTargets } from 'hono';
import { validator } from 'hono-openapi';
import { errorBody } from '../errors.ts';
import { raises } from './error-codes.ts';

const pathOf = (issue: StandardSchemaV1.Issue) =>
  (issue.path ?? []).map((p) => (typeof p === 'object' && p !== null && 'key' in p ? String(p.key) : String(p))).join('.');

const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\b/i;
const kindOf = (x: unknown) => (x === null ? 'null' : Array.isArray(x) ? 'an array' : `a ${typeof x}`);

/**
 * Validates one request part with a valibot schema (which also feeds /openapi.json); 400 in our error shape.
 * A JSON body must be an object: valibot's object schemas take an array as an object without keys (so `[]`
 * passed every schema whose fields are all optional), so anything but `{…}` is refused here, once for every route.
 */
export function valid<S extends StandardSchemaV1, T extends keyof ValidationTargets>(target: T, schema: S) {
  const mw = validated(target, schema);
  if (target !== 'json') return mw;
  const objectOnly: MiddlewareHandler = async (c, next) => {
    if (JSON_TYPE.test(c.req.header('content-type') ?? '')) {
      let body: unknown = {};
      try {
        body = await c.req.json(); // cached: the validator reads the same parse
      } catch {
        // Malformed JSON: the validator answers it (400 malformed_json).
      }
      if (body === null || typeof body !== 'object' || Array.isArray(body)) return c.json(errorBody('invalid_body', `The request body must be a JSON object ({…}), not ${kindOf(body)}.`), 400);
    }
    return mw(c, next);
  };
  // The OpenAPI description and the error codes hang on the validator itself; the wrapper carries them on.
  Object.defineProperty(objectOnly, 'name', { value: mw.name, configurable: true });
  return raises(Object.assign(objectOnly, mw) as unknown as typeof mw, { 400: codesOf(target) });
}

const codesOf = (target: keyof ValidationTargets) =>
  // A JSON body that does not parse is answered 400 malformed_json (onError); one without a JSON type 400 bad_request.
  target === 'json' ? ['invalid_body', 'malformed_json', 'bad_request'] : [`invalid_${target}`];

function validated<S extends StandardSchemaV1, T extends keyof ValidationTargets>(target: T, schema: S) {
  const where = target === 'json' ? 'body' : target;
  const mw = validator(target, schema, (result, c) => {
    if (!result.success) {
      const issue = result.error[0]!;
      const path = pathOf(issue);
      return c.json(errorBody(`invalid_${where}`, `${path ? `"${path}": ` : ''}${issue.message}`), 400);
    }
  });
  return raises(mw, { 400: codesOf(target) });
}
