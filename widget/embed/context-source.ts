// Where the loader gets the ATS context token from, and when to fetch the next one.

/** A token, a URL that answers with one (text or `{ "context": … }`), or a function returning one. */
export type ContextSource = string | { url: string } | (() => string | Promise<string>);

const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]*$/;

export async function readContext(source: ContextSource): Promise<string> {
  if (typeof source == 'function') return String(await source());
  if (typeof source == 'string' && JWT_SHAPE.test(source)) return source;
  const res = await fetch(typeof source == 'string' ? source : source.url, { credentials: 'same-origin', cache: 'no-store' });
  if (!res.ok) throw Error('HTTP ' + res.status);
  const body = (await res.text()).trim();
  if (body[0] != '{') return body;
  return '' + (JSON.parse(body) as { context: string }).context;
}

/** The JWT's payload, read without verifying it (the server verifies); throws on anything else. */
export const claims = (token: string) => JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/')));

/**
 * Milliseconds until the next token should be fetched: a minute (or a fifth of the lifetime) before
 * `exp`. 0 = unknown expiry.
 */
export function refreshDelay(token: string, now = Date.now()): number {
  try {
    const left = claims(token).exp * 1000 - now;
    // NaN (no numeric exp) is falsy: unknown expiry.
    return left ? Math.max(5000, left - Math.min(60000, left / 5)) : 0;
  } catch {
    return 0;
  }
}
