/**
 * Outbound HTTP: webhooks and partner-endpoint calls the simulator makes TO our product, and a log of them.
 *
 * API (stable):
 *   sendHttp({ url, method? = 'POST', body? (raw string — sign exactly these bytes), headers?, timeoutMs? = 10000 })
 *     -> Promise<HttpOutcome>   never throws: network errors/timeouts come back as { status: 0, error }
 *     HttpOutcome = { status, headers (lower-case), bodyText, json (parsed or undefined), error?, durationMs }
 *   new DeliveryLog({ max? = 1000 })
 *     log.record(partial) -> Delivery        Delivery = { seq, id, at, kind, url, method, requestHeaders,
 *                                                         requestBody, attempt, outcome }
 *     log.entries({ kind? }) / log.clear()
 *   deliverWithRetry(send: (attempt) => Promise<HttpOutcome>, { delaysMs, shouldRetry? })
 *     -> Promise<HttpOutcome[]>   first attempt immediately, then one retry after each delay while
 *                                  shouldRetry(outcome) (default: status not 2xx)
 *   randomId(prefix = '', bytes = 8) -> string   e.g. randomId('ord_') = "ord_3f9a…"
 */
import { randomBytes } from 'node:crypto';
import { sleep } from './faults.ts';

export interface HttpOutcome {
  status: number;
  headers: Record<string, string>;
  bodyText: string;
  json: unknown;
  error?: string;
  durationMs: number;
}

export async function sendHttp(req: {
  url: string;
  method?: string;
  body?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}): Promise<HttpOutcome> {
  const started = Date.now();
  try {
    const res = await fetch(req.url, {
      method: req.method ?? 'POST',
      headers: req.headers,
      body: req.body,
      signal: AbortSignal.timeout(req.timeoutMs ?? 10_000),
      redirect: 'manual',
    });
    const bodyText = await res.text();
    let json: unknown;
    try {
      json = bodyText ? JSON.parse(bodyText) : undefined;
    } catch {
      json = undefined;
    }
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      headers[k] = v;
    });
    return { status: res.status, headers, bodyText, json, durationMs: Date.now() - started };
  } catch (e) {
    return { status: 0, headers: {}, bodyText: '', json: undefined, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e), durationMs: Date.now() - started };
  }
}

export interface Delivery {
  seq: number;
  id: string;
  at: string;
  kind: string;
  url: string;
  method: string;
  requestHeaders: Record<string, string>;
  requestBody: string;
  attempt: number;
  outcome: HttpOutcome;
}

export class DeliveryLog {
  private items: Delivery[] = [];
  private seq = 0;
  private readonly max: number;

  constructor(opts: { max?: number } = {}) {
    this.max = opts.max ?? 1000;
  }

  record(d: Omit<Delivery, 'seq' | 'at'> & { at?: string }): Delivery {
    const full: Delivery = { ...d, seq: ++this.seq, at: d.at ?? new Date().toISOString() };
    this.items.push(full);
    if (this.items.length > this.max) this.items.shift();
    return full;
  }

  entries(filter: { kind?: string } = {}): Delivery[] {
    return this.items.filter((d) => !filter.kind || d.kind === filter.kind);
  }

  clear(): void {
    this.items = [];
  }
}

export async function deliverWithRetry(
  send: (attempt: number) => Promise<HttpOutcome>,
  opts: { delaysMs: number[]; shouldRetry?: (o: HttpOutcome) => boolean },
): Promise<HttpOutcome[]> {
  const shouldRetry = opts.shouldRetry ?? ((o) => o.status < 200 || o.status >= 300);
  const outcomes: HttpOutcome[] = [];
  for (let attempt = 1; ; attempt++) {
    const o = await send(attempt);
    outcomes.push(o);
    const delay = opts.delaysMs[attempt - 1];
    if (!shouldRetry(o) || delay === undefined) return outcomes;
    await sleep(delay);
  }
}

export function randomId(prefix = '', bytes = 8): string {
  return prefix + randomBytes(bytes).toString('hex');
}
