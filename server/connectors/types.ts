import type { Hono } from 'hono';
import type { Provider } from '../../shared/providers.ts';
import type { Command } from '../cli/main.ts';
import type { ConnectHow } from '../dashboard/integrations.ts';
import type { Services } from '../services.ts';
import type { AssessmentRow, ConnectionRow, InboxRow, Json, OrderRow, OutboxJob, Repos, UserRow } from '../store/types.ts';

/** The dashboard's JSON API (/api/dashboard, routes/dashboard-api.ts): the signed-in user on every request. */
export type DashboardApi = Hono<{ Variables: { user: UserRow } }>;

export interface WebhookRequest {
  /** The raw bytes as received: signatures are checked on these, never on re-serialised JSON. */
  raw: Uint8Array;
  text: string;
  headers: Headers;
}
export interface WebhookResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * What a connector's `verify` says about a delivery, on the raw bytes and before anything is stored:
 * - `key`: the de-duplication key, taken only from what the signature covers (the vendor's delivery id
 *   where it is signed, else a hash of the signed bytes): a re-delivery is answered as the first was;
 * - `refused`: the signature is missing or does not match (answered 401 `invalid_signature`, or `code`);
 * - `ping`: the vendor's set-up test, answered as given before any check and never stored.
 */
export type WebhookVerdict =
  | { key: string }
  | { refused: string; code?: string; status?: number }
  | { ping: WebhookResponse };

/** What a connector's `handle` did with a verified, first-time delivery: its answer and the inbox row's status and result. */
export interface WebhookHandled {
  response: WebhookResponse;
  /** `received` when a job finishes the inbox row later. */
  status: InboxRow['status'];
  /** What was done, by ids only (no personal data): stored on the inbox row. */
  result: Json | null;
  /** Runs once the transaction has committed (e.g. forget stored e-mails of erased orders). */
  afterCommit?(): void;
}

/**
 * The webhook contract of a connector; routes/webhooks.ts does the rest once for every vendor (size limit,
 * revoked connections, the refusal body, recording the delivery under `key` in the same transaction as
 * `handle`, answering a duplicate with the stored answer).
 */
export interface WebhookReceiver {
  verify(svc: Services, connection: ConnectionRow, req: WebhookRequest): WebhookVerdict;
  /**
   * Acts on a verified delivery inside the transaction that records it. To refuse it without storing
   * anything (a body we cannot read), throw `refuseWebhook(...)` (connectors/shared.ts): the transaction rolls back.
   */
  handle(svc: Services, tx: Repos, connection: ConnectionRow, req: WebhookRequest, inboxId: string): Promise<WebhookHandled>;
}

export interface CheckFinding {
  ok: boolean;
  check: string;
  message: string;
  fix?: string;
}

/** One form in the vendor's own UI and what to paste into each of its fields (`assay connections:show`). */
export interface VendorSetupSection {
  title: string;
  /** Where the form is, in the vendor's words. */
  where: string;
  fields: { label: string; value: string | null; note?: string }[];
}

/** What connections:add adds to its output after onConnected (e.g. an OAuth authorize URL to open). */
export interface ConnectedOutput {
  message?: string;
  output?: Record<string, unknown>;
}

/**
 * One interface for every ATS / vendor. A new ATS is a new folder server/connectors/<id>/ with the same files as
 * the others (docs/connectors.md), whose index.ts exports one of these as `connector`, one entry `<id>: '<Label>'`
 * in shared/providers.ts (connectors/register.ts loads the folder of each), plus a simulator in test/simulators/.
 */
export interface Connector {
  /** One of shared/providers.ts (connectors/register.ts checks the registry holds each exactly once). */
  provider: Provider;
  /** Setting names in the vendor's words (API.md); `secret` ones are sealed at rest and never printed. */
  settings: { secret: readonly string[]; public: readonly string[]; required: readonly string[] };
  /** Extra validation of settings; returns sentences for what is wrong. */
  validateSettings?(values: Record<string, string>): string[];
  /** Inbound webhooks for one connection: verification on the raw bytes, then handling (routes/webhooks.ts). */
  webhook?: WebhookReceiver;
  /** Partner endpoints the vendor calls, mounted at /partner/<provider>/:connectionId/*. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each connector types its own env
  partnerRoutes?(svc: Services): Hono<any, any, any>;
  /** Admin endpoints (the provider's own API for this vendor), mounted at /api/<provider>/*. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each connector types its own env
  adminRoutes?(svc: Services): Hono<any, any, any>;
  /** Pages of this vendor's connect flow at the site root (e.g. /connect), mounted at /. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each connector types its own env
  pageRoutes?(svc: Services): Hono<any, any, any>;
  /**
   * This vendor's routes in the dashboard's API (/api/dashboard/…, added by routes/dashboard-api.ts behind its login,
   * same-origin and admin checks): its connect form (`POST /connections/<provider>`) and pages of its own (Lever's postings).
   */
  dashboardRoutes?(svc: Services, api: DashboardApi): void;
  /** How a customer connects this vendor from the dashboard's Integrations (absent: by the provider's operator). */
  dashboardConnect?(svc: Services): ConnectHow;
  /** The provider's `assay` commands, merged into the CLI's command table (server/cli/commands.ts). */
  cli?: Record<string, Command>;
  /** The kind of synced object (connectorState) that is one of the ATS's jobs, for the dashboard's Jobs (absent: `job`; Lever: its mapped `posting`). */
  jobKind?: string;
  /**
   * An assessment on one of this connection's jobs was published or unpublished (the dashboard's Jobs, `setPublished`
   * in server/dashboard/jobs.ts): tell the ATS now (Lever tags or untags the posting). Throwing puts the status back.
   */
  onAssessmentPublished?(svc: Services, connection: ConnectionRow, assessment: AssessmentRow, published: boolean, actor: string): Promise<void>;
  /** Writes an order's state change back to the ATS (job kind `writeback`). */
  writeBack?(svc: Services, job: OutboxJob, order: OrderRow, connection: ConnectionRow): Promise<void>;
  /** Connector-specific outbox job kinds. */
  jobs?: Record<string, (svc: Services, job: OutboxJob) => Promise<void>>;
  /** Called after a connection is created or its packages change (e.g. push the package list). */
  onConnected?(svc: Services, connection: ConnectionRow): Promise<void | ConnectedOutput>;
  onPackagesChanged?(svc: Services, accountId: string): Promise<void>;
  /** Inside the transaction that revokes a connection: forget what the connector keeps for it (Lever's OAuth tokens). */
  onRevoked?(tx: Repos, connection: ConnectionRow): Promise<void>;
  /**
   * Inside the transaction that changes a connection's settings (`updateConnectionSettings`, server/dashboard/connections.ts;
   * `assay connections:set`): drop what the change makes stale (Lever's cached stages, template and user). `keys`: the names changed.
   */
  settingsChanged?(tx: Repos, connection: ConnectionRow, keys: string[]): Promise<void>;
  /** Periodic work (reconciliation, token refresh) for every active connection of this provider. */
  periodic?: { everyMs: number; run(svc: Services): Promise<void> };
  /** `assay connections:check`: each configured piece, what is wrong, how to fix it. */
  check?(svc: Services, connection: ConnectionRow): Promise<CheckFinding[]>;
  /** `assay connections:show`: the settings the vendor's own forms ask for, ready to paste. */
  vendorSetup?(svc: Services, connection: ConnectionRow): Promise<VendorSetupSection[]>;
}
