import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { UsageError } from './errors.ts';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  publicUrl: string;
  /** Whether PUBLIC_URL was set; if not, publicUrl follows the port actually bound (PORT=0). */
  publicUrlGiven?: boolean;
  smtpUrl: string | null;
  masterKey: Buffer;
  /** Background loops (outbox worker, sweepers); off in some tests and CLI commands. */
  workers: boolean;
  demo: boolean;
  /** Why demo mode is on or off, for the startup log. */
  demoReason?: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** ASSAY_STORE_STATS=1: the SQLite store counts its statements, units of work and commits and prints them on shutdown (the ingest benchmark's profile). */
  storeStats?: boolean;
  /** Context exchanges allowed per client address per minute (brute force on /api/session gets 429). */
  sessionRatePerMin: number;
  /** DATABASE_URL=postgres://…: PostgreSQL shared by several instances; unset: the embedded SQLite file in DATA_DIR. */
  databaseUrl?: string | null;
  /** How long an instance holds an outbox job before another may take it over (ASSAY_OUTBOX_LEASE_MS). */
  outboxLeaseMs?: number;
  /** How often lapsed invitations and deadlines are swept (ASSAY_SWEEP_MS, default 30 s). */
  sweepMs?: number;
  /** How often candidates past their account's retention period are erased (ASSAY_RETENTION_SWEEP_MS, default 1 h). */
  retentionSweepMs?: number;
  /** Longest time a client may take to send one request, headers and body (ASSAY_REQUEST_TIMEOUT_MS; slowloris). */
  requestTimeoutMs?: number;
  /**
   * How to read the client's address (TRUST_PROXY): null = the socket's peer (default: headers anyone can
   * send are ignored); a number n = the n-th address from the right of X-Forwarded-For (n proxies of ours
   * append to it); a header name = that header, set by our proxy (e.g. x-real-ip).
   */
  trustProxy?: number | string | null;
  /** First delay after repeated failed logins for one account+e-mail, doubling per failure (ASSAY_LOGIN_DELAY_MS). */
  loginDelayMs?: number;
  /** Connections held at once (ASSAY_MAX_CONNECTIONS); more are closed on arrival. */
  maxConnections?: number;
  /** GREENHOUSE_HARVEST_URL: the Harvest API a Greenhouse connection made in the dashboard uses (unset: Greenhouse's own). */
  greenhouseHarvestUrl?: string | null;
  /**
   * The provider's Lever app (LEVER_CLIENT_ID, LEVER_CLIENT_SECRET; LEVER_API_URL, LEVER_AUTH_URL for the sandbox or a
   * simulator): with it, a customer's admin connects Lever from the dashboard (Configure → consent in Lever).
   */
  leverApp?: { clientId: string; clientSecret: string; apiUrl: string | null; authUrl: string | null } | null;
  /** The provider's StackOne API key (STACKONE_API_KEY; STACKONE_BASE_URL): with it, the dashboard's StackOne form connects. */
  stackoneApp?: { apiKey: string; baseUrl: string | null } | null;
  /** The provider's Recruitee partner secret (RECRUITEE_PARTNER_SECRET; RECRUITEE_BASE_URL): with it, the dashboard's Recruitee form connects. */
  recruiteePartner?: { partnerSecret: string; baseUrl: string | null } | null;
}

type Env = Record<string, string | undefined>;

function parsePort(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) > 65535) {
    throw new UsageError('invalid_port', `PORT must be a whole number from 0 to 65535, not "${raw}".`);
  }
  return Number(raw);
}

/**
 * A whole number from the environment (unset or empty: `fallback`), at least `min` and at most `max`;
 * `ms` says the unit in the message an operator reads.
 */
function wholeNumber(env: Env, name: string, code: string, o: { fallback: number; min: number; max?: number; ms?: boolean }): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return o.fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < o.min || (o.max !== undefined && n > o.max)) {
    const range = o.max !== undefined ? ` from ${o.min} to ${o.max}` : o.ms ? `, at least ${o.min}` : ` of at least ${o.min}`;
    throw new UsageError(code, `${name} must be a whole number${o.ms ? ' of milliseconds' : ''}${range}.`);
  }
  return n;
}

function parseMasterKey(raw: string, from: string): Buffer {
  const t = raw.trim();
  const key = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32) {
    throw new UsageError('invalid_master_key', `${from} must be 32 bytes as 64 hex characters or base64 (try: openssl rand -base64 32).`);
  }
  return key;
}

/** postgres://user:password@host:port/database; the password is never echoed back in an error. */
export function parseDatabaseUrl(raw: string | undefined): string | null {
  if (raw === undefined || raw.trim() === '') return null;
  const t = raw.trim();
  let u: URL | null = null;
  try {
    u = new URL(t);
  } catch {
    /* not a URL */
  }
  if (!u || (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') || !u.hostname || u.pathname.replace(/^\//, '') === '') {
    const shown = u ? t.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@') : t.replace(/:[^:@/]*@/, ':***@');
    throw new UsageError(
      'invalid_database_url',
      `DATABASE_URL must look like postgres://user:password@host:5432/database (leave it unset for the embedded SQLite file in DATA_DIR), not "${shown}".`,
    );
  }
  return t;
}

/** Reads the environment once; every problem is a UsageError with a sentence an operator can act on. */
export function loadConfig(env: Env = process.env): Config {
  const port = parsePort(env.PORT, 8787);
  const host = env.HOST || '127.0.0.1';
  const dataDir = resolve(env.DATA_DIR || './data');
  const publicUrl = (env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, '');
  try {
    const u = new URL(publicUrl);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw new UsageError('invalid_public_url', `PUBLIC_URL must be an http(s) URL, not "${publicUrl}".`);
  }
  const smtpUrl = env.SMTP_URL || null;
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl)) {
    throw new UsageError('invalid_smtp_url', `SMTP_URL must look like smtp://host:port, not "${smtpUrl}".`);
  }
  const logLevel = (env.LOG_LEVEL || 'info') as Config['logLevel'];
  if (!['debug', 'info', 'warn', 'error', 'silent'].includes(logLevel)) {
    throw new UsageError('invalid_log_level', 'LOG_LEVEL must be one of debug, info, warn, error, silent.');
  }
  // Owner-only: the folder holds the database, the master key and copies of e-mails with live candidate links.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  let masterKey: Buffer;
  if (env.ASSAY_MASTER_KEY) {
    masterKey = parseMasterKey(env.ASSAY_MASTER_KEY, 'ASSAY_MASTER_KEY');
  } else {
    const file = join(dataDir, 'master.key');
    if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    masterKey = parseMasterKey(readFileSync(file, 'utf8'), file);
  }
  const rate = wholeNumber(env, 'ASSAY_SESSION_RATE_PER_MIN', 'invalid_rate_limit', { fallback: 600, min: 1 });
  const databaseUrl = parseDatabaseUrl(env.DATABASE_URL);
  const lease = wholeNumber(env, 'ASSAY_OUTBOX_LEASE_MS', 'invalid_outbox_lease', { fallback: 120_000, min: 1000, ms: true });
  const sweepMs = wholeNumber(env, 'ASSAY_SWEEP_MS', 'invalid_interval', { fallback: 30_000, min: 10, ms: true });
  const retentionSweepMs = wholeNumber(env, 'ASSAY_RETENTION_SWEEP_MS', 'invalid_interval', { fallback: 3_600_000, min: 10, ms: true });
  const requestTimeout = wholeNumber(env, 'ASSAY_REQUEST_TIMEOUT_MS', 'invalid_request_timeout', { fallback: 30_000, min: 1000, ms: true });
  const maxConnections = wholeNumber(env, 'ASSAY_MAX_CONNECTIONS', 'invalid_max_connections', { fallback: 1000, min: 1 });
  const tp = (env.TRUST_PROXY ?? '').trim().toLowerCase();
  let trustProxy: number | string | null = null;
  if (tp === '' || tp === 'off' || tp === 'false' || tp === '0') trustProxy = null;
  else if (/^\d+$/.test(tp) && Number(tp) <= 10) trustProxy = Number(tp);
  else if (/^[a-z][a-z0-9-]{1,63}$/.test(tp) && tp !== 'on' && tp !== 'true') trustProxy = tp;
  else throw new UsageError('invalid_trust_proxy', `TRUST_PROXY must be off, the number of proxies in front of Assay that append to X-Forwarded-For (1 to 10), or the name of the header your proxy sets (e.g. x-real-ip), not "${env.TRUST_PROXY}".`);
  const loginDelay = wholeNumber(env, 'ASSAY_LOGIN_DELAY_MS', 'invalid_login_delay', { fallback: 1000, min: 100, max: 3_600_000, ms: true });
  const production = env.NODE_ENV === 'production';
  const demoSetting = (env.ASSAY_DEMO ?? '').trim().toLowerCase();
  if (!['', 'on', 'off'].includes(demoSetting)) throw new UsageError('invalid_demo', `ASSAY_DEMO must be "on" or "off" (unset: on, except with NODE_ENV=production), not "${env.ASSAY_DEMO}".`);
  // Demo mode mints admin contexts without a login: on by default only outside production.
  const demo = demoSetting === 'on' || (demoSetting === '' && !production);
  const demoReason = demoSetting ? `ASSAY_DEMO=${demoSetting}` : production ? 'NODE_ENV=production (set ASSAY_DEMO=on to enable)' : 'default outside production (set ASSAY_DEMO=off to disable)';
  const harvest = env.GREENHOUSE_HARVEST_URL?.trim() || null;
  if (harvest && !/^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(harvest)) throw new UsageError('invalid_url', `GREENHOUSE_HARVEST_URL must be an http(s) URL, not "${harvest}".`);
  return {
    ...providerApps(env),
    greenhouseHarvestUrl: harvest,
    loginDelayMs: loginDelay,
    trustProxy,
    demoReason,
    requestTimeoutMs: requestTimeout,
    maxConnections,
    databaseUrl,
    outboxLeaseMs: lease,
    sweepMs,
    retentionSweepMs,
    sessionRatePerMin: rate,
    port,
    host,
    dataDir,
    publicUrl,
    publicUrlGiven: !!env.PUBLIC_URL,
    smtpUrl,
    masterKey,
    workers: env.ASSAY_WORKERS !== 'off',
    demo,
    logLevel,
    storeStats: env.ASSAY_STORE_STATS === '1',
  };
}

/** An optional http(s) URL from the environment (unset or empty: null). */
function optionalUrl(env: Env, name: string): string | null {
  const v = env[name]?.trim() || null;
  if (v && !/^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(v)) throw new UsageError('invalid_url', `${name} must be an http(s) URL, not "${v}".`);
  return v;
}

/** The provider-wide credentials that let a customer connect Lever, StackOne and Recruitee from the dashboard. */
function providerApps(env: Env): Pick<Config, 'leverApp' | 'stackoneApp' | 'recruiteePartner'> {
  const val = (k: string) => env[k]?.trim() || null;
  const leverId = val('LEVER_CLIENT_ID');
  const leverSecret = val('LEVER_CLIENT_SECRET');
  if (!!leverId !== !!leverSecret) throw new UsageError('invalid_lever_app', 'Set both LEVER_CLIENT_ID and LEVER_CLIENT_SECRET (your Lever app), or neither.');
  const stackKey = val('STACKONE_API_KEY');
  const rtSecret = val('RECRUITEE_PARTNER_SECRET');
  return {
    leverApp: leverId && leverSecret ? { clientId: leverId, clientSecret: leverSecret, apiUrl: optionalUrl(env, 'LEVER_API_URL'), authUrl: optionalUrl(env, 'LEVER_AUTH_URL') } : null,
    stackoneApp: stackKey ? { apiKey: stackKey, baseUrl: optionalUrl(env, 'STACKONE_BASE_URL') } : null,
    recruiteePartner: rtSecret ? { partnerSecret: rtSecret, baseUrl: optionalUrl(env, 'RECRUITEE_BASE_URL') } : null,
  };
}

/** Timings and provider-wide settings the connectors read (from the environment, here only). */
export interface ConnectorConfig {
  /** KOMBO_TIMEOUT_MS: how long one call to Kombo may take (default 15 s). */
  komboTimeoutMs: number;
  /** KOMBO_RECONCILE_MS: how often open Kombo orders are reconciled (default 5 minutes, at least 200 ms; tests make it fast). */
  komboReconcileMs: number;
  /**
   * The provider's own Kombo environment for Kombo Connect invitations, in Kombo's setting names: KOMBO_API_KEY,
   * KOMBO_WEBHOOK_SECRET, KOMBO_SIGNATURE_ENCODING, KOMBO_BASE_URL, KOMBO_REGION (unset or empty: absent).
   */
  komboEnvironment: Partial<Record<'api_key' | 'webhook_secret' | 'signature_encoding' | 'base_url' | 'region', string>>;
  /** ASSAY_LEVER_BACKOFF_MS: first wait after a Lever 429 without Retry-After (default 1 s). */
  leverBackoffMs: number;
  /** ASSAY_LEVER_RATE_PER_SECOND / ASSAY_LEVER_BURST: the client-side bucket under Lever's budget (defaults 8/s, 10). */
  leverRatePerSecond: number;
  leverBurst: number;
  /** ASSAY_GREENHOUSE_SYNC_MS: how often Greenhouse's Harvest API is synced (default 15 minutes). */
  greenhouseSyncMs: number;
}

/** A positive number from the environment, else `fallback` (these tuning knobs never stop the server). */
const positive = (raw: string | undefined, fallback: number) => {
  const n = Number(raw);
  return raw !== undefined && raw !== '' && Number.isFinite(n) && n > 0 ? n : fallback;
};

/** The connectors' configuration from `env`; connectorConfig() is the process's, read once. */
export function readConnectorConfig(env: Env): ConnectorConfig {
  const komboEnvironment: ConnectorConfig['komboEnvironment'] = {};
  const names = { api_key: 'KOMBO_API_KEY', webhook_secret: 'KOMBO_WEBHOOK_SECRET', signature_encoding: 'KOMBO_SIGNATURE_ENCODING', base_url: 'KOMBO_BASE_URL', region: 'KOMBO_REGION' } as const;
  for (const [k, name] of Object.entries(names) as [keyof typeof names, string][]) {
    const v = env[name];
    if (v !== undefined && v !== '') komboEnvironment[k] = v;
  }
  return {
    komboTimeoutMs: positive(env.KOMBO_TIMEOUT_MS, 15_000),
    komboReconcileMs: Math.max(200, positive(env.KOMBO_RECONCILE_MS, 5 * 60_000)),
    komboEnvironment,
    leverBackoffMs: positive(env.ASSAY_LEVER_BACKOFF_MS, 1000),
    leverRatePerSecond: positive(env.ASSAY_LEVER_RATE_PER_SECOND, 8),
    leverBurst: Math.max(1, Math.floor(positive(env.ASSAY_LEVER_BURST, 10))),
    greenhouseSyncMs: positive(env.ASSAY_GREENHOUSE_SYNC_MS, 15 * 60_000),
  };
}

let connectorConfigOnce: ConnectorConfig | null = null;
export function connectorConfig(): ConnectorConfig {
  return (connectorConfigOnce ??= readConnectorConfig(process.env));
}

/** NODE_ENV=production (read here, like every setting; the static file cache uses it). */
export const isProduction = (): boolean => process.env.NODE_ENV === 'production';
