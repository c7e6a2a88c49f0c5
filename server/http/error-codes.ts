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

const remappers = new WeakMap<object, (status: number) => number>();

/** Marks `handler` as rewriting the status of errors raised after it (e.g. a vendor that knows only 401 and 404). */
export function remapsStatus<H extends object>(handler: H, to: (status: number) => number): H {
  remappers.set(handler, to);
  return handler;
}

/** The errors of a chain of handlers, in the order they run, each rewritten by the remappers before it. */
export function chainErrors(chain: readonly object[], method: string): Record<number, string[]> {
  const maps: ((s: number) => number)[] = [];
  const lists: ErrorCodes[] = [];
  for (const h of chain) {
    const own = errorsOf(h, method);
    const moved: Record<number, string[]> = {};
    for (const [s, codes] of Object.entries(own)) {
      const to = maps.reduce((st, m) => m(st), Number(s));
      (moved[to] ??= []).push(...(codes ?? []));
    }
    lists.push(moved);
    const m = remappers.get(h);
    if (m) maps.push(m);
  }
  return mergeErrors(...lists);
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
