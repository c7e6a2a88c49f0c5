// PostgreSQL migrations, version for version the same tables and columns as ../sqlite/migrations.ts
// (test/store-contract/migrations.test.ts keeps the two in step). Never edit a released one: append.
// Types: ids and names text, timestamps timestamptz (ISO strings at the interface), epoch-millisecond
// clocks bigint, JSON jsonb, flags boolean.
import type { Migration } from '../sqlite/migrations.ts';

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'foundation',
    sql: `
CREATE TABLE accounts (
  id text PRIMARY KEY,
  name text NOT NULL,
  issuer text NOT NULL UNIQUE,
  audience text NOT NULL DEFAULT 'assay',
  context_algs jsonb NOT NULL,
  context_secret_enc text,
  jwks_url text,
  public_key_pem text,
  frame_origins jsonb NOT NULL DEFAULT '[]',
  settings jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL
);
CREATE TABLE connections (
  id text PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts(id),
  provider text NOT NULL,
  status text NOT NULL CHECK (status IN ('active','pending','revoked')),
  config jsonb NOT NULL DEFAULT '{}',
  secrets_enc text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX connections_account ON connections(account_id);
CREATE INDEX connections_provider ON connections(provider, status);
CREATE TABLE packages (
  account_id text NOT NULL REFERENCES accounts(id),
  id text NOT NULL,
  name text NOT NULL,
  description text NOT NULL,
  type text NOT NULL,
  duration_minutes integer NOT NULL,
  active boolean NOT NULL DEFAULT true,
  version integer NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (account_id, id)
);
CREATE TABLE package_contents (
  account_id text NOT NULL,
  package_id text NOT NULL,
  version integer NOT NULL,
  content jsonb NOT NULL,
  PRIMARY KEY (account_id, package_id, version),
  FOREIGN KEY (account_id, package_id) REFERENCES packages(account_id, id)
);
CREATE TABLE candidates (
  id text PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts(id),
  source text NOT NULL,
  external_id text NOT NULL,
  email text,
  first_name text,
  last_name text,
  locale text,
  erased_at timestamptz,
  created_at timestamptz NOT NULL,
  UNIQUE (account_id, source, external_id)
);
CREATE TABLE orders (
  id text PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts(id),
  source text NOT NULL,
  source_order_id text NOT NULL,
  connection_id text REFERENCES connections(id),
  package_id text NOT NULL,
  package_version integer NOT NULL,
  candidate_id text NOT NULL REFERENCES candidates(id),
  application_id text,
  job_id text,
  job_name text,
  status text NOT NULL CHECK (status IN ('pending','in_progress','completed','expired','cancelled','rejected','failed')),
  reason text,
  invite_token_hash text UNIQUE,
  invited_at timestamptz,
  expires_at timestamptz,
  started_at timestamptz,
  deadline_at timestamptz,
  completed_at timestamptz,
  created_by text,
  outcome text,
  outcome_at timestamptz,
  meta jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (account_id, source, source_order_id)
);
CREATE INDEX orders_application ON orders(account_id, application_id, created_at DESC);
CREATE INDEX orders_candidate ON orders(account_id, candidate_id);
CREATE INDEX orders_open_expiry ON orders(status, expires_at) WHERE status IN ('pending','in_progress');
CREATE TABLE results (
  order_id text PRIMARY KEY REFERENCES orders(id),
  account_id text NOT NULL,
  score double precision NOT NULL,
  max_score double precision NOT NULL,
  details jsonb NOT NULL,
  completed_at timestamptz NOT NULL
);
CREATE TABLE answers (
  order_id text NOT NULL REFERENCES orders(id),
  question_id text NOT NULL,
  value jsonb NOT NULL,
  answered_at timestamptz NOT NULL,
  PRIMARY KEY (order_id, question_id)
);
CREATE TABLE test_sessions (
  order_id text NOT NULL REFERENCES orders(id),
  test_id text NOT NULL,
  started_at timestamptz NOT NULL,
  deadline_at timestamptz NOT NULL,
  finished_at timestamptz,
  PRIMARY KEY (order_id, test_id)
);
CREATE TABLE outbox (
  id text PRIMARY KEY,
  account_id text,
  kind text NOT NULL,
  connection_id text,
  order_id text,
  payload jsonb NOT NULL,
  idempotency_key text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending','running','done','dead')),
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL,
  next_attempt_at bigint NOT NULL,
  lease_until bigint,
  last_error text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE status IN ('pending','running');
CREATE INDEX outbox_status ON outbox(status, created_at);
CREATE INDEX outbox_order ON outbox(order_id);
CREATE TABLE inbox (
  id text PRIMARY KEY,
  provider text NOT NULL,
  connection_id text NOT NULL,
  delivery_id text NOT NULL,
  status text NOT NULL,
  result jsonb,
  received_at timestamptz NOT NULL,
  UNIQUE (provider, connection_id, delivery_id)
);
CREATE TABLE users (
  id text PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts(id),
  email text NOT NULL,
  name text NOT NULL,
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL
);
-- SQLite: email UNIQUE COLLATE NOCASE.
CREATE UNIQUE INDEX users_email ON users (lower(email));
CREATE TABLE web_sessions (
  id_hash text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users(id),
  expires_at bigint NOT NULL
);
CREATE TABLE audit_log (
  id text PRIMARY KEY,
  account_id text,
  actor text NOT NULL,
  action text NOT NULL,
  target text,
  details jsonb NOT NULL DEFAULT '{}',
  at timestamptz NOT NULL
);
CREATE INDEX audit_account ON audit_log(account_id, at);
CREATE TABLE connector_state (
  connection_id text NOT NULL REFERENCES connections(id),
  key text NOT NULL,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (connection_id, key)
);
CREATE TABLE synced_objects (
  connection_id text NOT NULL REFERENCES connections(id),
  kind text NOT NULL,
  external_id text NOT NULL,
  data jsonb NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (connection_id, kind, external_id)
);
CREATE TABLE mappings (
  connection_id text NOT NULL REFERENCES connections(id),
  kind text NOT NULL,
  external_id text NOT NULL,
  package_id text NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (connection_id, kind, external_id)
);
CREATE TABLE idempotency_keys (
  account_id text NOT NULL,
  key text NOT NULL,
  request_hash text NOT NULL,
  order_id text NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (account_id, key)
);
`,
  },
  {
    version: 2,
    name: 'insights indexes',
    sql: `
CREATE INDEX orders_account_created ON orders(account_id, created_at);
CREATE INDEX orders_account_package ON orders(account_id, package_id, created_at);
CREATE INDEX orders_account_job ON orders(account_id, job_id, created_at);
`,
  },
  {
    version: 50,
    name: 'outbox next-due index',
    sql: `
CREATE INDEX outbox_open_next ON outbox(status, next_attempt_at) WHERE status IN ('pending','running');
`,
  },
  {
    // Extra time granted to a candidate as an accommodation (issue 15): percent added to every test's duration.
    version: 100,
    name: 'order extra time',
    sql: `
ALTER TABLE orders ADD COLUMN extra_time_percent integer NOT NULL DEFAULT 0;
`,
  },
  {
    // Proctoring (issue 15, item 5): when the candidate's page lost focus or was hidden (with how long),
    // pastes into an answer, time per question. Never answer text, nothing about the device; bounded per
    // attempt by the service; deleted with the answers when the candidate is erased.
    version: 110,
    name: 'proctoring events',
    sql: `
CREATE TABLE proctoring_events (
  order_id text NOT NULL REFERENCES orders(id),
  seq integer NOT NULL,
  kind text NOT NULL CHECK (kind IN ('left','paste','question')),
  question_id text,
  at timestamptz NOT NULL,
  duration_ms bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (order_id, seq)
);
`,
  },
  {
    // issue 17: the hiring outcome (orders.outcome, for Insights) and the write-back's delivery state are separate;
    // the Kombo write-back used to write "kombo: COMPLETED written" into outcome: moved to writeback_note.
    version: 130,
    name: 'order write-back state',
    sql: `
ALTER TABLE orders ADD COLUMN writeback_state TEXT;
ALTER TABLE orders ADD COLUMN writeback_note TEXT;
ALTER TABLE orders ADD COLUMN writeback_at timestamptz;
UPDATE orders SET writeback_state = CASE WHEN outcome LIKE 'kombo: not written%' THEN 'failed' ELSE 'written' END,
  writeback_note = outcome, writeback_at = outcome_at, outcome = NULL, outcome_at = NULL
  WHERE outcome LIKE 'kombo:%';
`,
  },
  {
    version: 140,
    name: 'package list versions',
    // Across instances: each caches an account's package list beside this version and re-reads on change.
    sql: `
CREATE TABLE package_versions (
  account_id text PRIMARY KEY,
  version bigint NOT NULL
);
CREATE FUNCTION bump_package_version() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  -- assay db:copy brings package_versions over with the rest of the SQLite file (see server/cli/db-commands.ts).
  IF current_setting('assay.copying', true) = 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO package_versions (account_id, version) VALUES (OLD.account_id, 1) ON CONFLICT (account_id) DO UPDATE SET version = package_versions.version + 1;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO package_versions (account_id, version) VALUES (NEW.account_id, 1) ON CONFLICT (account_id) DO UPDATE SET version = package_versions.version + 1;
  END IF;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER packages_version AFTER INSERT OR UPDATE OR DELETE ON packages FOR EACH ROW EXECUTE FUNCTION bump_package_version();
`,
  },
  {
    // The provider dashboard's Candidates list: newest first per account, keyset on (created_at, id),
    // optionally narrowed to one status or one source (bench/storage.ts times one page at 1M orders).
    version: 150,
    name: 'dashboard candidates indexes',
    sql: `
CREATE INDEX orders_account_recent ON orders(account_id, created_at, id COLLATE "C");
CREATE INDEX orders_account_status_recent ON orders(account_id, status, created_at, id COLLATE "C");
CREATE INDEX orders_account_source_recent ON orders(account_id, source, created_at, id COLLATE "C");
`,
  },
  {
    // Dashboard roles: admins change integrations, jobs, users and settings; members read candidates and reports.
    version: 151,
    name: 'dashboard user roles',
    sql: `
ALTER TABLE users ADD COLUMN role text NOT NULL DEFAULT 'admin' CHECK (role IN ('admin','member'));
`,
  },
  {
    // Jobs and assessments (dashboard): a package chosen for a job, with its invitation and extra-time defaults.
    // ATSs see a published one as a package of its own, id asm_…, named "<job> — <package>".
    version: 200,
    name: 'assessments',
    sql: `
CREATE TABLE assessments (
  id text PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts(id),
  package_id text NOT NULL,
  connection_id text,
  job_id text,
  job_name text NOT NULL,
  invitation_days integer NOT NULL,
  extra_time_percent integer NOT NULL DEFAULT 0,
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','published','unpublished')),
  published_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX assessments_account ON assessments(account_id, status);
`,
  },
  {
    // Team (issue 20): set-password links for invitations and resets, stored hashed, used once.
    version: 210,
    name: 'password links',
    sql: `
CREATE TABLE password_tokens (
  token_hash text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users(id),
  account_id text NOT NULL REFERENCES accounts(id),
  purpose text NOT NULL CHECK (purpose IN ('invite','reset')),
  expires_at bigint NOT NULL
);
CREATE INDEX password_tokens_user ON password_tokens(user_id, purpose);
CREATE INDEX users_account ON users(account_id, created_at);
`,
  },
  {
    // Rate limits and login protection (server/http/rate-limit.ts): one row per counter, keyed by the
    // SHA-256 of "<limit name>:<key>" so no e-mail address or client address is stored. PostgreSQL
    // shares it between instances (an atomic upsert-increment per hit; rows past expires_at are swept);
    // SQLite serves one instance and counts in process memory, the table is here to keep the twins equal.
    // UNLOGGED: no WAL, so a hit does not wait for an fsync (p50 10.8 ms logged vs 0.3 ms unlogged on the
    // test machine); after a database crash the counters start from zero, which a counter can afford.
    version: 230,
    name: 'shared rate limits',
    sql: `
CREATE UNLOGGED TABLE rate_limits (
  key_hash text PRIMARY KEY,
  window_start bigint NOT NULL,
  count integer NOT NULL,
  blocked_until bigint NOT NULL DEFAULT 0,
  expires_at bigint NOT NULL
);
CREATE INDEX rate_limits_expiry ON rate_limits(expires_at);
`,
  },
  {
    // orders_account_created (account_id, created_at) is a prefix of orders_account_recent (account_id,
    // created_at, id): every query it served is served by the longer one, and each order inserted paid for
    // both (issue 19, the ingest profile).
    version: 290,
    name: 'drop_orders_account_created',
    sql: `DROP INDEX IF EXISTS orders_account_created;`,
  },
  {
    // How a webhook delivery was answered (status, body), so a re-delivery is answered the same way by
    // routes/webhooks.ts whatever the vendor (issue 17).
    version: 300,
    name: 'inbox_answer',
    sql: `ALTER TABLE inbox ADD COLUMN answer jsonb;`,
  },
];
