// Our Kombo client: every call goes through Kombo's official SDK (@kombo-api/sdk), with its own retries off
// (the outbox retries) and its fetch replaced by vendorFetch (callVendor's timeout, no redirects, bounded
// bodies). Its typed errors become our RetryableError/PermanentError (failureForSdk). The SDK checks the
// answers against Kombo's OpenAPI models; the schemas below still read the webhook bodies Kombo sends us.
import { connectorConfig } from '../../config.ts';
import * as v from 'valibot';
import type { Kombo } from '@kombo-api/sdk';
import { failureForSdk, PermanentError, sdkResponse, vendorFetch, type VendorResponse, sdkPathId } from '../../http/client.ts';

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


/** The message of Kombo's error envelope, or the start of the body. */
export function kombosMessage(res: VendorResponse): string {
  const env = v.safeParse(ErrorEnvelopeSchema, res.json());
  if (env.success) return `${env.output.error.code ?? 'error'}: ${env.output.error.message}`;
  return res.text.slice(0, 200) || `HTTP ${res.status}`;
}

export class KomboClient {
  private client: Promise<Kombo> | null = null;
  constructor(private readonly opts: { baseUrl: string; apiKey: string; integrationId?: string | null }) {}

  /**
   * The SDK, loaded on first use: it holds Kombo's whole unified API (~30 MB of models once loaded), which a
   * server without a Kombo connection should not carry.
   */
  private sdk(): Promise<Kombo> {
    this.client ??= Promise.all([import('@kombo-api/sdk'), import('@kombo-api/sdk/lib/http.js')]).then(
      ([{ Kombo }, { HTTPClient }]) =>
        new Kombo({
          api_key: this.opts.apiKey,
          integration_id: this.opts.integrationId ?? undefined,
          server_url: this.opts.baseUrl,
          http_client: new HTTPClient({ fetcher: vendorFetch({ timeoutMs: connectorConfig().komboTimeoutMs }) }),
          retry_config: { strategy: 'none' },
        }),
    );
    return this.client;
  }

  /** Runs one SDK call; its failures become the outbox's retry or permanent errors. */
  private async run<T>(what: string, call: () => Promise<T>, needsIntegration = true): Promise<T> {
    if (needsIntegration && !this.opts.integrationId) throw new PermanentError('this Kombo connection has no integration id yet (the customer has not finished Kombo Connect)');
    try {
      return await call();
    } catch (err) {
      throw failureForSdk(err, `Kombo ${what}${sdkMessage(err)}`);
    }
  }

  /** Replaces the whole package list of the integration (packages missing from it are deleted by Kombo). */
  async putPackages(packages: KomboPackage[]): Promise<{ warnings: string[] }> {
    const res = await this.run('PUT /assessment/packages', async () => (await this.sdk()).assessment.setPackages({ packages }));
    return { warnings: (res.warnings ?? []).map((w) => w.message) };
  }

  /** One page of GET /assessment/orders; `next` is Kombo's opaque cursor. Invalid items are returned apart. */
  async listOrders(query: { statuses?: string; ids?: string; cursor?: string | null; pageSize?: number }): Promise<{ orders: KomboOrder[]; invalid: number; next: string | null }> {
    const page = await this.run('GET /assessment/orders', async () =>
      (await this.sdk()).assessment.getAssessmentOrders({
        statuses: query.statuses ? query.statuses.split(',') : undefined,
        ids: query.ids ? query.ids.split(',') : undefined,
        cursor: query.cursor ?? undefined,
        page_size: query.pageSize ?? 100,
      }),
    );
    const data = page.result.data;
    const orders: KomboOrder[] = [];
    let invalid = 0;
    for (const item of data.results) {
      // The SDK's models use Date objects; ours keep Kombo's JSON (ISO strings) as the webhook carries it.
      const o = v.safeParse(KomboOrderSchema, JSON.parse(JSON.stringify(item)));
      if (o.success) orders.push(o.output);
      else invalid++;
    }
    return { orders, invalid, next: data.next ?? null };
  }

  /**
   * Writes a result; returns the answer (a 2xx, or Kombo's error status and body) so the caller can tell "retry"
   * from "no longer OPEN". Timeouts and network errors are thrown as RetryableError.
   */
  async putResult(orderId: string, body: ResultBody): Promise<VendorResponse> {
    // The SDK resolves dot segments before vendorFetch sees the URL: the id is checked first.
    sdkPathId(orderId);
    if (!this.opts.integrationId) throw new PermanentError('this Kombo connection has no integration id yet (the customer has not finished Kombo Connect)');
    try {
      const res = await (await this.sdk()).assessment.updateOrderResult({
        assessment_order_id: orderId,
        body: { ...body, completed_at: new Date(body.completed_at) },
      });
      return sdkResponse(200, JSON.stringify(res), new Headers({ 'content-type': 'application/json' }));
    } catch (err) {
      const e = err as { statusCode?: unknown; body?: unknown; headers?: unknown; name?: string };
      if (typeof e.statusCode === 'number' && (e.statusCode < 200 || e.statusCode > 299)) {
        return sdkResponse(e.statusCode, typeof e.body === 'string' ? e.body : '', e.headers instanceof Headers ? e.headers : new Headers());
      }
      throw failureForSdk(err, 'Kombo PUT result');
    }
  }

  /**
   * POST /connect/create-link. MAGIC_LINK links are valid for a year and EMBEDDED ones for an hour by Kombo's
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
    const res = await this.run('POST /connect/create-link', async () => (await this.sdk()).connect.createConnectionLink(body as Parameters<Kombo['connect']['createConnectionLink']>[0]), false);
    const ok = v.safeParse(CreateLinkSchema, { status: 'success', data: { link: res.data?.link } });
    if (!ok.success) throw new PermanentError('Kombo POST /connect/create-link answered without a link');
    return ok.output.data.link;
  }

  /** GET /connect/integration-by-token/<token>: the integration a Connect flow just created; null when unknown. */
  async integrationByToken(token: string): Promise<{ id: string; tool: string; end_user_origin_id: string | null } | null> {
    try {
      const res = await (await this.sdk()).connect.getIntegrationByToken({ token });
      // The SDK checked the shape; the id is still held to Kombo's documented form before we store it.
      const ok = v.safeParse(IntegrationByTokenSchema, { status: 'success', data: { id: res.data.id, tool: res.data.tool, end_user_origin_id: res.data.end_user_origin_id } });
      if (!ok.success) throw new PermanentError('Kombo GET /connect/integration-by-token answered a body we cannot read');
      return ok.output.data;
    } catch (err) {
      if ((err as { statusCode?: unknown; name?: string }).statusCode === 404 && (err as { name?: string }).name !== 'ResponseValidationError') return null;
      if (err instanceof PermanentError) throw err;
      throw failureForSdk(err, `Kombo GET /connect/integration-by-token${sdkMessage(err)}`);
    }
  }
}

/** Kombo's error message from an SDK error's body, for the reason we store (redacted by failureFor). */
function sdkMessage(err: unknown): string {
  const body = (err as { body?: unknown }).body;
  if (typeof body !== 'string' || !body) return '';
  const env = v.safeParse(ErrorEnvelopeSchema, (() => { try { return JSON.parse(body); } catch { return null; } })());
  return env.success ? ` (${env.output.error.code ?? 'error'}: ${env.output.error.message})` : '';
}

// What Kombo sends us (webhooks, contracts/unified-apis.md §1.2–§1.5), validated at the edge; the answers to
// our calls are checked by @kombo-api/sdk (client.ts), and KomboOrderSchema then holds orders from either
// path to the same shape.

const Str = v.pipe(v.string(), v.maxLength(2000));
const NullStr = v.optional(v.nullable(Str), null);

/** Kombo's order (webhook `data` and GET /assessment/orders items). Unknown keys are ignored. */
export const KomboOrderSchema = v.object({
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  package_id: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  status: v.optional(v.picklist(['OPEN', 'COMPLETED', 'CANCELLED', 'REJECTED'])),
  integration_id: v.optional(v.pipe(v.string(), v.maxLength(200))),
  // Kombo marks email as a required string; a missing one is treated as "no usable e-mail" and refused
  // with a sentence (422), not as a malformed request.
  candidate: v.object({
    remote_id: NullStr,
    email: NullStr,
    first_name: NullStr,
    last_name: NullStr,
    phone: NullStr,
  }),
  application: v.optional(v.nullable(v.object({ remote_id: NullStr })), null),
  job: v.optional(
    v.nullable(
      v.object({
        remote_id: NullStr,
        name: NullStr,
        job_code: NullStr,
      }),
    ),
    null,
  ),
});
export type KomboOrder = v.InferOutput<typeof KomboOrderSchema>;

/** Every Kombo webhook: `{ id (event id), type, data }`. */
export const EnvelopeSchema = v.object({
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  type: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
  data: v.record(v.string(), v.unknown()),
});

/** `integration-created`. UNCONFIRMED: shaped after Kombo's Connect docs; not in the contract. */
export const IntegrationCreatedSchema = v.object({
  id: v.pipe(v.string(), v.regex(/^[a-z0-9_]+:[A-Za-z0-9_-]{4,100}$/, 'integration id must look like <tool>:<id>')),
  tool: v.optional(v.pipe(v.string(), v.maxLength(100))),
  category: v.optional(v.string()),
  end_user: v.optional(
    v.object({
      organization_name: NullStr,
      creator_email: NullStr,
      origin_id: NullStr,
    }),
  ),
});

export const CreateLinkSchema = v.object({
  status: v.literal('success'),
  data: v.object({ link: v.pipe(v.string(), v.url()) }),
});

export const IntegrationByTokenSchema = v.object({
  status: v.literal('success'),
  data: v.object({
    id: v.pipe(v.string(), v.regex(/^[a-z0-9_]+:[A-Za-z0-9_-]{4,100}$/)),
    tool: v.string(),
    end_user_origin_id: v.nullable(v.string()),
  }),
});

/** Kombo's error envelope (§1.3): branch on `code`, never on the message. */
export const ErrorEnvelopeSchema = v.object({
  status: v.literal('error'),
  error: v.object({ code: v.nullable(v.string()), message: v.string() }),
});
