// The JSON Schema subset /openapi.json uses (what hono-openapi and @valibot/to-json-schema emit, plus our Error
// wrapper), as a checker for answers and a fast-check generator for requests. No dependency: node_modules has no
// JSON Schema validator, and the subset is small. An unknown keyword fails loudly so the subset cannot drift.
import fc from 'fast-check';

export type Schema = Record<string, any>;
export type Root = { components?: { schemas?: Record<string, Schema> } };

const KNOWN = new Set(['type', 'properties', 'required', 'additionalProperties', 'propertyNames', 'items', 'enum', 'const', 'anyOf', 'oneOf', 'allOf', '$ref', 'minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'minItems', 'maxItems', 'format', 'description', '$schema', 'title', 'default']);

function deref(s: Schema, root: Root): Schema {
  if (!s.$ref) return s;
  const m = /^#\/components\/schemas\/(.+)$/.exec(s.$ref);
  const target = m && root.components?.schemas?.[m[1]!];
  if (!target) throw new Error(`unresolvable $ref ${s.$ref}`);
  return deref(target, root);
}

const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v);
const typeOk = (t: string, v: unknown) => t === typeOf(v) || (t === 'number' && typeOf(v) === 'integer');

/** Where `value` breaks `schema`: an empty list when it conforms. */
export function check(schema: Schema, value: unknown, root: Root, at = '$'): string[] {
  const s = deref(schema, root);
  for (const k of Object.keys(s)) if (!KNOWN.has(k)) throw new Error(`schema keyword "${k}" at ${at} is not in the subset this checker knows`);
  const errs: string[] = [];
  if (s.type !== undefined) {
    const types: string[] = Array.isArray(s.type) ? s.type : [s.type];
    if (!types.some((t) => typeOk(t, value))) return [`${at}: ${JSON.stringify(value)?.slice(0, 80)} is not ${types.join('|')}`];
  }
  if (s.enum && !s.enum.some((e: unknown) => JSON.stringify(e) === JSON.stringify(value))) errs.push(`${at}: ${JSON.stringify(value)?.slice(0, 80)} not in enum ${JSON.stringify(s.enum)}`);
  if ('const' in s && JSON.stringify(s.const) !== JSON.stringify(value)) errs.push(`${at}: not the const ${JSON.stringify(s.const)}`);
  if (s.allOf) for (const sub of s.allOf) errs.push(...check(sub, value, root, at));
  if (s.anyOf && !s.anyOf.some((sub: Schema) => check(sub, value, root, at).length === 0)) errs.push(`${at}: matches none of anyOf`);
  if (s.oneOf && s.oneOf.filter((sub: Schema) => check(sub, value, root, at).length === 0).length !== 1) errs.push(`${at}: does not match exactly one of oneOf`);
  if (typeof value === 'string') {
    if (s.minLength !== undefined && [...value].length < s.minLength) errs.push(`${at}: shorter than ${s.minLength}`);
    if (s.maxLength !== undefined && [...value].length > s.maxLength) errs.push(`${at}: longer than ${s.maxLength}`);
    if (s.pattern && !new RegExp(s.pattern, 'u').test(value)) errs.push(`${at}: does not match ${s.pattern}`);
  }
  if (typeof value === 'number') {
    if (s.minimum !== undefined && value < s.minimum) errs.push(`${at}: below ${s.minimum}`);
    if (s.maximum !== undefined && value > s.maximum) errs.push(`${at}: above ${s.maximum}`);
  }
  if (Array.isArray(value)) {
    if (s.minItems !== undefined && value.length < s.minItems) errs.push(`${at}: fewer than ${s.minItems} items`);
    if (s.maxItems !== undefined && value.length > s.maxItems) errs.push(`${at}: more than ${s.maxItems} items`);
    if (s.items) value.forEach((item, i) => errs.push(...check(s.items, item, root, `${at}[${i}]`)));
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    for (const r of s.required ?? []) if (!(r in obj)) errs.push(`${at}: "${r}" is missing`);
    for (const [k, v] of Object.entries(obj)) {
      if (s.propertyNames) errs.push(...check(s.propertyNames, k, root, `${at} key "${k}"`));
      if (s.properties?.[k]) errs.push(...check(s.properties[k], v, root, `${at}.${k}`));
      else if (s.additionalProperties === false) errs.push(`${at}: "${k}" is not allowed`);
      else if (typeof s.additionalProperties === 'object') errs.push(...check(s.additionalProperties, v, root, `${at}.${k}`));
    }
  }
  return errs;
}

const hasUnsupported = (s: Schema): boolean => !!s.allOf; // never in a request schema here

/** Values that conform to `schema` (best effort for patterns, via fast-check's stringMatching). */
export function arbitrary(schema: Schema, root: Root): fc.Arbitrary<unknown> {
  const s = deref(schema, root);
  if (hasUnsupported(s)) throw new Error('allOf in a request schema');
  if (s.enum) return fc.constantFrom(...s.enum);
  if ('const' in s) return fc.constant(s.const);
  if (s.anyOf || s.oneOf) return fc.oneof(...(s.anyOf ?? s.oneOf).map((sub: Schema) => arbitrary(sub, root)));
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'string': {
      if (s.pattern) {
        const re = new RegExp(s.pattern);
        return fc.stringMatching(re).filter((x) => (s.minLength === undefined || x.length >= s.minLength) && (s.maxLength === undefined || x.length <= s.maxLength));
      }
      return fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 30, 30) });
    }
    case 'integer':
      return fc.integer({ min: s.minimum ?? -1000, max: s.maximum ?? 1000 });
    case 'number':
      return fc.oneof(fc.integer({ min: s.minimum ?? -1000, max: s.maximum ?? 1000 }), fc.double({ min: s.minimum ?? -1000, max: s.maximum ?? 1000, noNaN: true }));
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(s.items ? arbitrary(s.items, root) : fc.jsonValue(), { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 3, 3) });
    case 'object': {
      const props = Object.entries((s.properties ?? {}) as Record<string, Schema>);
      const required = new Set<string>(s.required ?? []);
      const record: Record<string, fc.Arbitrary<unknown>> = Object.fromEntries(props.map(([k, sub]) => [k, arbitrary(sub, root)]));
      return fc.record(record, { requiredKeys: props.map(([k]) => k).filter((k) => required.has(k)) });
    }
    default:
      return fc.jsonValue();
  }
}

/** Anything a careless or hostile client might send where this schema is expected. */
export const garbage = (): fc.Arbitrary<unknown> =>
  fc.oneof(fc.jsonValue(), fc.string(), fc.constant(''), fc.constant(null), fc.integer(), fc.constantFrom('../../etc/passwd', '%00', '<script>', "' OR 1=1 --", 'ord_' + 'a'.repeat(300), '\u202e\u0000'));
