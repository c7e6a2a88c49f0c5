// The widget's HTTP boundary: the `ApiClient` the view models call, and its fetch implementation.
import type { OrderStatus, Role } from '../../shared/embed-protocol.ts';
import type { LeverPostingView } from '../../shared/api.ts';
import type { ChartId, InsightsData, InsightsFilter } from '../../shared/insights-charts.ts';

export interface Package {
  id: string;
  name: string;
  description: string;
  type: string;
  duration_minutes: number;
}

export interface OrderResult {
  score: number;
  max_score: number;
  status: string;
  result_url: string;
  completed_at: string | null;
  /** The account's band for this score (e.g. "Strong"), where the account has bands. */
  band?: string | null;
}

export interface Order {
  id: string;
  package_id: string;
  package_name: string;
  status: OrderStatus;
  source: string;
  created_at: string;
  updated_at: string | null;
  invited_at: string | null;
  started_at: string | null;
  completed_at: string | null;
  expires_at: string | null;
  reason: string | null;
  result: OrderResult | null;
}

export interface SessionInfo {
  token: string;
  expires_at: string;
  account: { id: string; name: string };
  role: Role;
  candidate: { id: string; name: string | null; email: string | null };
  /** A refusal every order would meet, known when the session was minted. */
  refusal?: { code: string; message: string } | null;
  application: { id: string };
  job: { id: string | null; name: string | null };
}

/** A Lever posting as `GET /api/lever/postings` lists it, with the package it is mapped to. */
/** What the view models need from the server; unit tests pass their own implementation. */
export interface ApiClient {
  listPackages(): Promise<Package[]>;
  listOrders(): Promise<Order[]>;
  /** One idempotency key per Send click; the client reuses it when it retries a network failure. */
  createOrder(packageId: string, idempotencyKey: string, extraTimePercent?: number): Promise<Order>;
  cancelOrder(orderId: string): Promise<Order>;
  resendOrder(orderId: string): Promise<Order>;
  /** Undoes a cancel made moments ago (the server allows it for a minute). */
  restoreOrder(orderId: string): Promise<Order>;
  /** Account-wide aggregates (recruiter and admin roles). */
  getInsights(filter: InsightsFilter): Promise<InsightsData>;
  /** The rows behind one chart as CSV, fetched with the Bearer header (never a token in a URL). */
  insightsCsv(chart: ChartId, filter: InsightsFilter): Promise<Blob>;
  /** The account's Lever postings and its connection id (admin role only). */
  leverPostings(): Promise<{ connection_id: string; postings: LeverPostingView[] }>;
  /** Maps a posting to a package, or removes the mapping with `null` (admin role only). */
  mapLeverPosting(postingId: string, packageId: string | null, connectionId?: string): Promise<LeverPostingView>;
}

/** An error the person can read: `message` comes from the server's `{ error: { code, message } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Fetcher {
  (input: string, init?: RequestInit): Promise<Response>;
}

export interface SessionSource {
  /** The current bearer token. */
  token(): string;
  /** Mints a new session after `session_expired`; throws an ApiError the person can read when it cannot. */
  renew(): Promise<void>;
}

export async function readError(res: Response, fallback: string): Promise<ApiError> {
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    if (body.error && body.error.message) return new ApiError(res.status, body.error.code || 'error', body.error.message);
  } catch {
    // Not JSON (a proxy page, say): fall through to the generic sentence.
  }
  return new ApiError(res.status, 'http_' + res.status, fallback);
}

export interface HttpApiOptions {
  fetch: Fetcher;
  /** The Assay origin, e.g. `location.origin`. */
  base: string;
  session: SessionSource;
  /** Sentence shown when the network fails (read at failure time, so it follows the locale). */
  offlineMessage: () => string;
  /** Pause between network retries of a POST /api/orders, in ms. */
  retryDelay?: number;
}

export function createHttpApi(o: HttpApiOptions): ApiClient {
  const call = async <T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, tries = 1, blob?: boolean): Promise<T> => {
    for (let attempt = 0, renewed = false; ; ) {
      let res: Response;
      try {
        res = await o.fetch(o.base + path, {
          method,
          headers: {
            authorization: 'Bearer ' + o.session.token(),
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...headers,
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch {
        if (++attempt < tries) {
          await new Promise((r) => setTimeout(r, (o.retryDelay ?? 500) * attempt));
          continue;
        }
        throw new ApiError(0, 'network_error', o.offlineMessage());
      }
      if (res.ok) return (await (blob ? res.blob() : res.json())) as T;
      const err = await readError(res, o.offlineMessage());
      if (res.status === 401 && err.code === 'session_expired' && !renewed) {
        renewed = true;
        await o.session.renew();
        continue;
      }
      throw err;
    }
  };
  return {
    listPackages: async () => (await call<{ packages: Package[] }>('GET', '/api/packages')).packages,
    listOrders: async () => (await call<{ orders: Order[] }>('GET', '/api/orders')).orders,
    createOrder: async (packageId, key, extra) =>
      (await call<{ order: Order }>('POST', '/api/orders', { package_id: packageId, ...(extra ? { extra_time_percent: extra } : {}) }, { 'idempotency-key': key }, 3)).order,
    cancelOrder: async (id) => (await call<{ order: Order }>('POST', `/api/orders/${encodeURIComponent(id)}/cancel`, {})).order,
    resendOrder: async (id) => (await call<{ order: Order }>('POST', `/api/orders/${encodeURIComponent(id)}/resend`, {})).order,
    restoreOrder: async (id) => (await call<{ order: Order }>('POST', `/api/orders/${encodeURIComponent(id)}/undo-cancel`, {})).order,
    getInsights: (f) => call('GET', '/api/insights?' + query(f)),
    insightsCsv: (chart, f) => call('GET', `/api/insights/${chart}.csv?` + query(f), undefined, {}, 1, true),
    leverPostings: () => call('GET', '/api/lever/postings'),
    mapLeverPosting: async (id, pkg, con) => (await call<{ posting: LeverPostingView }>('PUT', `/api/lever/postings/${encodeURIComponent(id)}/mapping`, { package_id: pkg, connection_id: con })).posting,
  };
}

// The filter's fields are all strings; the insights model leaves out empty ones.
const query = (f: InsightsFilter) => new URLSearchParams(f as Record<string, string>);

/** A v4 UUID; `crypto.randomUUID` only exists in secure contexts, so fall back to getRandomValues. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
