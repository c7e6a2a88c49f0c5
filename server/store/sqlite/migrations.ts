// Versioned migrations, applied in order at start. Never edit a released one: append a new version.
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'foundation',
    sql: `
CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  issuer TEXT NOT NULL UNIQUE,
  audience TEXT NOT NULL DEFAULT 'assay',
  context_algs TEXT NOT NULL,
  context_secret_enc TEXT,
  jwks_url TEXT,
  public_key_pem TEXT,
  frame_origins TEXT NOT NULL DEFAULT '[]',
  settings TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL
);
CREATE TABLE connections (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  provider TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active','pending','revoked')),
  config TEXT NOT NULL DEFAULT '{}',
  secrets_enc TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX connections_account ON connections(account_id);
CREATE TABLE packages (
  account_id TEXT NOT NULL REFERENCES accounts(id),
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  type TEXT NOT NULL,
  duration_minutes INTEGER NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  version INTEGER NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (account_id, id)
);
CREATE TABLE package_contents (
  account_id TEXT NOT NULL,
  package_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  content TEXT NOT NULL,
  PRIMARY KEY (account_id, package_id, version),
  FOREIGN KEY (account_id, package_id) REFERENCES packages(account_id, id)
);
CREATE TABLE candidates (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  source TEXT NOT NULL,
  external_id TEXT NOT NULL,
  email TEXT,
  first_name TEXT,
  last_name TEXT,
  locale TEXT,
  erased_at TEXT,
  created_at TEXT NOT NULL,
  UNIQUE (account_id, source, external_id)
);
CREATE TABLE orders (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  source TEXT NOT NULL,
  source_order_id TEXT NOT NULL,
  connection_id TEXT REFERENCES connections(id),
  package_id TEXT NOT NULL,
  package_version INTEGER NOT NULL,
  candidate_id TEXT NOT NULL REFERENCES candidates(id),
  application_id TEXT,
  job_id TEXT,
  job_name TEXT,
  status TEXT NOT NULL CHECK (status IN ('pending','in_progress','completed','expired','cancelled','rejected','failed')),
  reason TEXT,
  invite_token_hash TEXT UNIQUE,
  invited_at TEXT,
  expires_at TEXT,
  started_at TEXT,
  deadline_at TEXT,
  completed_at TEXT,
  created_by TEXT,
  outcome TEXT,
  outcome_at TEXT,
  meta TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (account_id, source, source_order_id)
);
CREATE INDEX orders_application ON orders(account_id, application_id, created_at DESC);
CREATE INDEX orders_candidate ON orders(account_id, candidate_id);
CREATE INDEX orders_open_expiry ON orders(status, expires_at) WHERE status IN ('pending','in_progress');
CREATE TABLE results (
  order_id TEXT PRIMARY KEY REFERENCES orders(id),
  account_id TEXT NOT NULL,
  score REAL NOT NULL,
  max_score REAL NOT NULL,
  details TEXT NOT NULL,
  completed_at TEXT NOT NULL
);
CREATE TABLE answers (
  order_id TEXT NOT NULL REFERENCES orders(id),
  question_id TEXT NOT NULL,
  value TEXT NOT NULL,
  answered_at TEXT NOT NULL,
  PRIMARY KEY (order_id, question_id)
);
CREATE TABLE test_sessions (
  order_id TEXT NOT NULL REFERENCES orders(id),
  test_id TEXT NOT NULL,
  started_at TEXT NOT NULL,
  deadline_at TEXT NOT NULL,
  finished_at TEXT,
  PRIMARY KEY (order_id, test_id)
);
CREATE TABLE outbox (
  id TEXT PRIMARY KEY,
  account_id TEXT,
  kind TEXT NOT NULL,
  connection_id TEXT,
  order_id TEXT,
  payload TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending','running','done','dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  lease_until INTEGER,
  last_error TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE status IN ('pending','running');
CREATE INDEX outbox_status ON outbox(status, created_at);
CREATE INDEX outbox_order ON outbox(order_id);
CREATE TABLE inbox (
  id TEXT PRIMARY KEY,
  provider TEXT NOT NULL,
  connection_id TEXT NOT NULL,
  delivery_id TEXT NOT NULL,
  status TEXT NOT NULL,
  result TEXT,
  received_at TEXT NOT NULL,
  UNIQUE (provider, connection_id, delivery_id)
);
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE web_sessions (
  id_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  expires_at INTEGER NOT NULL
);
CREATE TABLE audit_log (
  id TEXT PRIMARY KEY,
  account_id TEXT,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT,
  details TEXT NOT NULL DEFAULT '{}',
  at TEXT NOT NULL
);
CREATE INDEX audit_account ON audit_log(account_id, at);
-- Connector-owned state (cursors, OAuth state, cached lookups) and ATS objects a connector syncs.
CREATE TABLE connector_state (
  connection_id TEXT NOT NULL REFERENCES connections(id),
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (connection_id, key)
);
CREATE TABLE synced_objects (
  connection_id TEXT NOT NULL REFERENCES connections(id),
  kind TEXT NOT NULL,
  external_id TEXT NOT NULL,
  data TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (connection_id, kind, external_id)
);
-- Which package an ATS job / posting / stage orders (Lever postings, Greenhouse jobs).
CREATE TABLE mappings (
  connection_id TEXT NOT NULL REFERENCES connections(id),
  kind TEXT NOT NULL,
  external_id TEXT NOT NULL,
  package_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (connection_id, kind, external_id)
);
CREATE TABLE idempotency_keys (
  account_id TEXT NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  order_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
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
    // bench (storage): outbox.nextDueAt's MIN(next_attempt_at) WHERE status IN ('pending','running')
    // chose outbox_status and walked every open job (43 ms at 20,000 open jobs); with this index SQLite
    // answers it with one seek per status (0.01 ms).
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
ALTER TABLE orders ADD COLUMN extra_time_percent INTEGER NOT NULL DEFAULT 0;
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
  order_id TEXT NOT NULL REFERENCES orders(id),
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('left','paste','question')),
  question_id TEXT,
  at TEXT NOT NULL,
  duration_ms INTEGER NOT NULL DEFAULT 0,
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
ALTER TABLE orders ADD COLUMN writeback_at TEXT;
UPDATE orders SET writeback_state = CASE WHEN outcome LIKE 'kombo: not written%' THEN 'failed' ELSE 'written' END,
  writeback_note = outcome, writeback_at = outcome_at, outcome = NULL, outcome_at = NULL
  WHERE outcome LIKE 'kombo:%';
`,
  },
  {
    version: 140,
    name: 'package list versions',
    // Bumped on every change to an account's packages (by any process), so an in-memory package list is
    // checked with one point read and dropped on change.
    sql: `
CREATE TABLE package_versions (
  account_id TEXT PRIMARY KEY,
  version INTEGER NOT NULL
);
CREATE TRIGGER packages_version_ins AFTER INSERT ON packages BEGIN
  INSERT INTO package_versions (account_id, version) VALUES (NEW.account_id, 1) ON CONFLICT (account_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER packages_version_upd AFTER UPDATE ON packages BEGIN
  INSERT INTO package_versions (account_id, version) VALUES (OLD.account_id, 1) ON CONFLICT (account_id) DO UPDATE SET version = version + 1;
  INSERT INTO package_versions (account_id, version) VALUES (NEW.account_id, 1) ON CONFLICT (account_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER packages_version_del AFTER DELETE ON packages BEGIN
  INSERT INTO package_versions (account_id, version) VALUES (OLD.account_id, 1) ON CONFLICT (account_id) DO UPDATE SET version = version + 1;
END;
`,
  },
  {
    // The provider dashboard's Candidates list: newest first per account, keyset on (created_at, id),
    // optionally narrowed to one status or one source (bench/storage.ts times one page at 1M orders).
    version: 150,
    name: 'dashboard candidates indexes',
    sql: `
CREATE INDEX orders_account_recent ON orders(account_id, created_at, id);
CREATE INDEX orders_account_status_recent ON orders(account_id, status, created_at, id);
CREATE INDEX orders_account_source_recent ON orders(account_id, source, created_at, id);
`,
  },
  {
    // Dashboard roles: admins change integrations, jobs, users and settings; members read candidates and reports.
    version: 151,
    name: 'dashboard user roles',
    sql: `
ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'admin' CHECK (role IN ('admin','member'));
`,
  },
  {
    // Jobs and assessments (dashboard): a package chosen for a job, with its invitation and extra-time defaults.
    // ATSs see a published one as a package of its own, id asm_…, named "<job> — <package>".
    version: 200,
    name: 'assessments',
    sql: `
CREATE TABLE assessments (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  package_id TEXT NOT NULL,
  connection_id TEXT,
  job_id TEXT,
  job_name TEXT NOT NULL,
  invitation_days INTEGER NOT NULL,
  extra_time_percent INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','published','unpublished')),
  published_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
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
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  account_id TEXT NOT NULL REFERENCES accounts(id),
  purpose TEXT NOT NULL CHECK (purpose IN ('invite','reset')),
  expires_at INTEGER NOT NULL
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
    version: 230,
    name: 'shared rate limits',
    sql: `
CREATE TABLE rate_limits (
  key_hash TEXT PRIMARY KEY,
  window_start INTEGER NOT NULL,
  count INTEGER NOT NULL,
  blocked_until INTEGER NOT NULL DEFAULT 0,
  expires_at INTEGER NOT NULL
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
    sql: `ALTER TABLE inbox ADD COLUMN answer TEXT;`,
  },
];
