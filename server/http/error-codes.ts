// Which error answers (status → codes) a middleware can give, kept beside the middleware that raises them, so
// /openapi.json documents them for every operation that middleware runs on (server/http/openapi.ts reads the
// app's routes): one list, at the code, instead of a second hand-kept one per operation that drifts.
export type ErrorCodes = Readonly<Partial<Record<number, readonly string[]>>>;

type Describe = (method: string) => ErrorCodes;
const registry = new WeakMap<object, Describe>();

/** Marks `handler` as able to answer these errors (per request method when a function); returns the handler. */
export function raises<H extends object>(handler: H, codes: ErrorCodes | Describe): H {
  registry.set(handler, typeof codes === 'function' ? codes : () => codes);
  return handler;
}

/** The errors a handler was marked with for this method, or none. */
export function errorsOf(handler: object, method: string): ErrorCodes {
  return registry.get(handler)?.(method) ?? {};
}

/** Several lists merged: each status's codes once, in order of appearance. */
export function mergeErrors(...lists: ErrorCodes[]): Record<number, string[]> {
  const out: Record<number, string[]> = {};
  for (const l of lists) {
    for (const [s, codes] of Object.entries(l)) {
      const have = (out[Number(s)] ??= []);
      for (const c of codes ?? []) if (!have.includes(c)) have.push(c);
    }
  }
  return out;
}

/** The widget session's answers (verifySessionToken, requireSession). */
export const SESSION_ERRORS = { 401: ['session_missing', 'session_invalid', 'session_expired'] } as const;
