// The ingest reference (issue 19): a minimal Hono + better-sqlite3 webhook receiver on the same machine in
// the same run. HMAC-SHA256 (base64url) of the raw body checked in constant time, WAL, synchronous=FULL,
// group commit (every webhook arriving before the event loop turns shares one transaction and fsync; each
// is answered only after that COMMIT). One row per Kombo order id. Started like the real server: PORT=0,
// DATA_DIR, one JSON "listening" line; REF_SECRET is the webhook secret.
import Database from 'better-sqlite3';
import { Hono } from 'hono';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import { serveAndAnnounce } from './lib/listen.ts';

const db = new Database(join(process.env.DATA_DIR ?? '.', 'ref.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec('CREATE TABLE IF NOT EXISTS orders (source_order_id TEXT PRIMARY KEY, event_id TEXT NOT NULL, body TEXT NOT NULL, at TEXT NOT NULL)');
const insert = db.prepare('INSERT INTO orders (source_order_id, event_id, body, at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING');
const secret = process.env.REF_SECRET ?? '';

let waiting: Array<() => void> = [];
function durable(): Promise<void> {
  if (!waiting.length) {
    db.exec('BEGIN IMMEDIATE');
    setImmediate(() => {
      db.exec('COMMIT');
      const done = waiting;
      waiting = [];
      for (const d of done) d();
    });
  }
  return new Promise((r) => waiting.push(r));
}

const app = new Hono();
app.post('/webhooks/kombo/:id', async (c) => {
  const raw = Buffer.from(await c.req.arrayBuffer());
  const given = Buffer.from(c.req.header('x-kombo-signature') ?? '', 'base64url');
  const expected = createHmac('sha256', secret).update(raw).digest();
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return c.json({ error: { code: 'signature_invalid', message: 'bad signature' } }, 401);
  const body = JSON.parse(raw.toString('utf8')) as { id: string; data: { id: string } };
  const wait = durable(); // opens the batch's transaction before the insert
  insert.run(body.data.id, body.id, raw.toString('utf8'), new Date().toISOString());
  await wait;
  return c.json({ ok: true });
});

serveAndAnnounce(app);
