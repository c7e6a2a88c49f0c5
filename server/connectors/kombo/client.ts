// Our Kombo client, through the one outbound helper (callVendor): timeouts, no redirects, Retry-After.
// TODO(sdk): Kombo publishes an official TypeScript SDK (@kombo-api/sdk); it is not installed in this
// repository. When it is added, its models should replace schemas.ts here and decide validity in tests.
import * as v from 'valibot';
import { callVendor, failureFor, PermanentError, type VendorResponse } from '../../http/client.ts';
import { CreateLinkSchema, ErrorEnvelopeSchema, IntegrationByTokenSchema, KomboOrderSchema, OrdersPageSchema, SuccessSchema, type KomboOrder } from './schemas.ts';

export interface KomboPackage {
  id: string;
  type: 'BEHAVIORAL' | 'VIDEO_INTERVIEW' | 'SKILLS_TEST' | 'BACKGROUND_CHECK' | 'REFERENCE_CHECK';
  name: string;
  description: string;
}

export type ResultAttribute =
  | { type: 'TEXT'; label: string; value: string }
  | { type: 'SUB_RESULT'; id: string; label: string; score: { value: number; max: number }; status: 'COMPLETED' | 'CANCELLED' };

/** PUT /assessment/orders/{id}/result body (§1.2.4). */
export interface ResultBody {
  status: 'COMPLETED' | 'CANCELLED';
  result_url: string;
  completed_at: string;
  score?: number;
  max_score?: number;
  attributes: ResultAttribute[];
  remote_fields?: Record<string, Record<string, string>>;
}

const TIMEOUT_MS = Number(process.env.KOMBO_TIMEOUT_MS ?? 15_000);

/** The message of Kombo's error envelope, or the start of the body. */
export function kombosMessage(res: VendorResponse): string {
  const env = v.safeParse(ErrorEnvelopeSchema, res.json());
  if (env.success) return `${env.output.error.code ?? 'error'}: ${env.output.error.message}`;
  return res.text.slice(0, 200) || `HTTP ${res.status}`;
}

export class KomboClient {
  constructor(private readonly opts: { baseUrl: string; apiKey: string; integrationId?: string | null }) {}

  private async call(method: string, path: string, body?: unknown, withIntegration = true): Promise<VendorResponse> {
    const headers: Record<string, string> = { Authorization: `Bearer ${this.opts.apiKey}`, Accept: 'application/json' };
    if (withIntegration) {
      if (!this.opts.integrationId) throw new PermanentError('this Kombo connection has no integration id yet (the customer has not finished Kombo Connect)');
      headers['X-Integration-Id'] = this.opts.integrationId;
    }
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return callVendor(`${this.opts.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), timeoutMs: TIMEOUT_MS });
  }

  /** Replaces the whole package list of the integration (packages missing from it are deleted by Kombo). */
  async putPackages(packages: KomboPackage[]): Promise<{ warnings: string[] }> {
    const res = await this.call('PUT', '/assessment/packages', { packages });
    if (res.status < 200 || res.status > 299) throw failureFor(res, `Kombo PUT /assessment/packages (${kombosMessage(res)})`);
    const ok = v.safeParse(SuccessSchema, res.json());
    return { warnings: ok.success ? ok.output.warnings.map((w) => w.message) : [] };
  }

  /** One page of GET /assessment/orders; `next` is Kombo's opaque cursor. Invalid items are returned apart. */
  async listOrders(query: { statuses?: string; ids?: string; cursor?: string | null; pageSize?: number }): Promise<{ orders: KomboOrder[]; invalid: number; next: string | null }> {
    const q = new URLSearchParams();
    if (query.statuses) q.set('statuses', query.statuses);
    if (query.ids) q.set('ids', query.ids);
    if (query.cursor) q.set('cursor', query.cursor);
    q.set('page_size', String(query.pageSize ?? 100));
    const res = await this.call('GET', `/assessment/orders?${q.toString().replace(/%2C/g, ',')}`);
    if (res.status < 200 || res.status > 299) throw failureFor(res, `Kombo GET /assessment/orders (${kombosMessage(res)})`);
    const page = v.safeParse(OrdersPageSchema, res.json());
    if (!page.success) throw new PermanentError('Kombo GET /assessment/orders answered a body we cannot read');
    const orders: KomboOrder[] = [];
    let invalid = 0;
    for (const item of page.output.data.results) {
      const o = v.safeParse(KomboOrderSchema, item);
      if (o.success) orders.push(o.output);
      else invalid++;
    }
    return { orders, invalid, next: page.output.data.next };
  }

  /** Writes a result; returns the raw answer so the caller can tell "retry" from "no longer OPEN". */
  putResult(orderId: string, body: ResultBody): Promise<VendorResponse> {
    return this.call('PUT', `/assessment/orders/${encodeURIComponent(orderId)}/result`, body);
  }

  /**
   * POST /connect/create-link. UNCONFIRMED: Kombo Connect is outside the contract; field names follow
   * Kombo's SDK docs. MAGIC_LINK links are valid for a year and EMBEDDED ones for an hour by Kombo's
   * defaults, so no validity is sent.
   */
  async createLink(body: {
    end_user_email: string;
    end_user_organization_name: string;
    end_user_origin_id: string;
    integration_category: 'ASSESSMENT';
    integration_tool?: string;
    link_type: 'MAGIC_LINK' | 'EMBEDDED';
    language?: string;
  }): Promise<string> {
    const res = await this.call('POST', '/connect/create-link', body, false);
    if (res.status < 200 || res.status > 299) throw failureFor(res, `Kombo POST /connect/create-link (${kombosMessage(res)})`);
    const ok = v.safeParse(CreateLinkSchema, res.json());
    if (!ok.success) throw new PermanentError('Kombo POST /connect/create-link answered without a link');
    return ok.output.data.link;
  }

  /** GET /connect/integration-by-token/<token>: the integration a Connect flow just created; null when unknown. */
  async integrationByToken(token: string): Promise<{ id: string; tool: string; end_user_origin_id: string | null } | null> {
    const res = await this.call('GET', `/connect/integration-by-token/${encodeURIComponent(token)}`, undefined, false);
    if (res.status === 404) return null;
    if (res.status < 200 || res.status > 299) throw failureFor(res, `Kombo GET /connect/integration-by-token (${kombosMessage(res)})`);
    const ok = v.safeParse(IntegrationByTokenSchema, res.json());
    if (!ok.success) throw new PermanentError('Kombo GET /connect/integration-by-token answered a body we cannot read');
    return ok.output.data;
  }
}
