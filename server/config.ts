import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { UsageError } from './errors.ts';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  publicUrl: string;
  smtpUrl: string | null;
  masterKey: Buffer;
  /** Background loops (outbox worker, sweepers); off in some tests and CLI commands. */
  workers: boolean;
  demo: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Context exchanges allowed per client address per minute (brute force on /api/session gets 429). */
  sessionRatePerMin: number;
  /** DATABASE_URL=postgres://…: PostgreSQL shared by several instances; unset: the embedded SQLite file in DATA_DIR. */
  databaseUrl?: string | null;
  /** How long an instance holds an outbox job before another may take it over (ASSAY_OUTBOX_LEASE_MS). */
  outboxLeaseMs?: number;
  /** GREENHOUSE_HARVEST_URL: the Harvest API a Greenhouse connection made in the dashboard uses (unset: Greenhouse's own). */
  greenhouseHarvestUrl?: string | null;
}

type Env = Record<string, string | undefined>;

function parsePort(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) > 65535) {
    throw new UsageError('invalid_port', `PORT must be a whole number from 0 to 65535, not "${raw}".`);
  }
  return Number(raw);
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
  mkdirSync(dataDir, { recursive: true });
  let masterKey: Buffer;
  if (env.ASSAY_MASTER_KEY) {
    masterKey = parseMasterKey(env.ASSAY_MASTER_KEY, 'ASSAY_MASTER_KEY');
  } else {
    const file = join(dataDir, 'master.key');
    if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    masterKey = parseMasterKey(readFileSync(file, 'utf8'), file);
  }
  const rate = env.ASSAY_SESSION_RATE_PER_MIN ?? '600';
  if (!/^\d+$/.test(rate) || Number(rate) < 1) throw new UsageError('invalid_rate_limit', 'ASSAY_SESSION_RATE_PER_MIN must be a whole number of at least 1.');
  const databaseUrl = parseDatabaseUrl(env.DATABASE_URL);
  const lease = env.ASSAY_OUTBOX_LEASE_MS ?? '120000';
  if (!/^\d+$/.test(lease) || Number(lease) < 1000) throw new UsageError('invalid_outbox_lease', 'ASSAY_OUTBOX_LEASE_MS must be a whole number of milliseconds, at least 1000.');
  const harvest = env.GREENHOUSE_HARVEST_URL?.trim() || null;
  if (harvest && !/^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(harvest)) throw new UsageError('invalid_url', `GREENHOUSE_HARVEST_URL must be an http(s) URL, not "${harvest}".`);
  return {
    greenhouseHarvestUrl: harvest,
    databaseUrl,
    outboxLeaseMs: Number(lease),
    sessionRatePerMin: Number(rate),
    port,
    host,
    dataDir,
    publicUrl,
    smtpUrl,
    masterKey,
    workers: env.ASSAY_WORKERS !== 'off',
    demo: env.ASSAY_DEMO !== 'off',
    logLevel,
  };
}
