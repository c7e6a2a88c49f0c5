// Greenhouse Harvest (v1) client: Basic auth with the key as user and a blank password, RFC-5988 `Link`
// pagination followed as given (never built by hand), and the per-10-second rate limit honoured:
// on 429 it waits what Retry-After (or X-RateLimit-Reset) says before the next request.
import { callVendor, failureFor, parseRetryAfter, PermanentError, RetryableError, type VendorResponse } from '../../http/client.ts';

export class HarvestError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'HarvestError';
  }
}

/** The time budget ran out (or the next wait would pass it): stop here, progress is saved, resume later. */
export class BudgetExhausted extends Error {
  constructor(readonly waitMs: number | null) {
    super(waitMs === null ? 'time budget used up' : `Harvest asks to wait ${waitMs} ms, beyond the time budget`);
    this.name = 'BudgetExhausted';
  }
}

export interface HarvestStats {
  requests: number;
  rateLimited: number;
  waitedMs: number;
}

export interface HarvestOptions {
  baseUrl: string;
  apiKey: string;
  /** Absolute time (ms) after which no new request starts. */
  deadlineAt?: number | null;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const MAX_429_IN_A_ROW = 30;
const MAX_5XX_RETRIES = 3;
// Harvest documents the limit per 10 seconds; when a 429 carries no hint, wait one window.
const DEFAULT_WAIT_MS = 10_000;
const MAX_WAIT_MS = 120_000;

/** The `rel="next"` target of a Link header, resolved against the request URL. Commas inside URLs are fine. */
export function nextLink(header: string | null, requestUrl: string): string | null {
  if (!header) return null;
  const re = /<([^>]*)>((?:\s*;\s*[A-Za-z*-]+\s*=\s*(?:"[^"]*"|[^;,\s]*))*)/g;
  for (let m = re.exec(header); m; m = re.exec(header)) {
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^;,\s]*))/i.exec(m[2] ?? '');
    const rels = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
    if (rels.includes('next')) return new URL(m[1]!, requestUrl).toString();
  }
  return null;
}

export class HarvestClient {
  readonly base: URL;
  readonly stats: HarvestStats = { requests: 0, rateLimited: 0, waitedMs: 0 };
  readonly #auth: string;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(private readonly opts: HarvestOptions) {
    this.base = new URL(opts.baseUrl.replace(/\/+$/, '') + '/');
    this.#auth = `Basic ${Buffer.from(`${opts.apiKey}:`).toString('base64')}`;
    this.#sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** `/jobs` + query → absolute URL under the base (e.g. https://harvest.greenhouse.io/v1/jobs?per_page=100). */
  url(path: string, query: Record<string, string | number | null | undefined> = {}): string {
    const u = new URL(path.replace(/^\/+/, ''), this.base);
    for (const [k, v] of Object.entries(query)) if (v !== null && v !== undefined && v !== '') u.searchParams.set(k, String(v));
    return u.toString();
  }

  /** One list page: its items and the next page's URL (null on the last page or with no Link header). */
  async page<T = Record<string, unknown>>(url: string): Promise<{ items: T[]; next: string | null }> {
    const res = await this.#get(url);
    const body = res.json<unknown>();
    if (!Array.isArray(body)) throw new PermanentError(`Greenhouse Harvest answered ${new URL(url).pathname} with something other than a list.`);
    const next = nextLink(res.headers.get('link'), url);
    if (next && new URL(next).origin !== this.base.origin) {
      // The key travels with every request: never follow a link to another host.
      throw new PermanentError('Greenhouse Harvest pointed the next page to another host; refusing to send the API key there.');
    }
    return { items: body as T[], next };
  }

  async one<T = Record<string, unknown>>(url: string): Promise<T> {
    const res = await this.#get(url);
    const body = res.json<unknown>();
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new PermanentError(`Greenhouse Harvest answered ${new URL(url).pathname} with something other than an object.`);
    return body as T;
  }

  #checkBudget(waitMs: number | null): void {
    const d = this.opts.deadlineAt;
    if (d && Date.now() + (waitMs ?? 0) >= d) throw new BudgetExhausted(waitMs);
  }

  async #get(url: string): Promise<VendorResponse> {
    let limited = 0;
    let failed = 0;
    for (;;) {
      this.#checkBudget(null);
      const res = await callVendor(url, { headers: { Authorization: this.#auth, Accept: 'application/json' }, timeoutMs: this.opts.timeoutMs ?? 20_000 });
      this.stats.requests++;
      if (res.status >= 200 && res.status < 300) return res;
      if (res.status === 429) {
        this.stats.rateLimited++;
        if (++limited > MAX_429_IN_A_ROW) throw new RetryableError('Greenhouse Harvest kept answering 429 (rate limited)', DEFAULT_WAIT_MS);
        const wait = Math.min(MAX_WAIT_MS, waitFor429(res));
        this.#checkBudget(wait);
        this.stats.waitedMs += wait;
        await this.#sleep(wait);
        continue;
      }
      if ((res.status >= 500 || res.status === 408) && failed < MAX_5XX_RETRIES) {
        const wait = Math.max(parseRetryAfter(res.headers.get('retry-after')) ?? 0, Math.floor(Math.random() * 500 * 2 ** failed) + 200);
        failed++;
        this.#checkBudget(wait);
        this.stats.waitedMs += wait;
        await this.#sleep(wait);
        continue;
      }
      if (res.status === 404) throw new HarvestError(404, `Greenhouse Harvest has nothing at ${new URL(url).pathname}.`);
      if (res.status === 401 || res.status === 403) {
        throw new PermanentError(`Greenhouse Harvest refused the API key (HTTP ${res.status}); check harvest_api_key and its GET permissions.`);
      }
      throw failureFor(res, `Greenhouse Harvest GET ${new URL(url).pathname}`);
    }
  }
}

/** Retry-After (seconds or a date), else X-RateLimit-Reset (epoch seconds), else one 10-second window. */
export function waitFor429(res: Pick<VendorResponse, 'headers'>, now = Date.now()): number {
  const ra = parseRetryAfter(res.headers.get('retry-after'), now);
  if (ra !== null) return ra;
  // UNCONFIRMED: X-RateLimit-Reset as epoch seconds ("a timestamp" in the docs); older 429s carried no X-RateLimit headers at all
  const reset = Number(res.headers.get('x-ratelimit-reset'));
  if (Number.isFinite(reset) && reset > 0) {
    const ms = reset > 1e12 ? reset - now : reset * 1000 - now;
    if (ms > 0 && ms <= MAX_WAIT_MS) return ms;
  }
  return DEFAULT_WAIT_MS;
}
