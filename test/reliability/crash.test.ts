// Crash safety: thousands of signed Kombo order webhooks, retried on anything but 2xx as vendors do,
// while the server is killed with SIGKILL several times mid-burst. Afterwards every acknowledged webhook
// has exactly one order, none is duplicated, and the outbox finishes every invitation.
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../simulators/kombo/index.ts';
import { assay } from '../helpers/cli.ts';
import { query } from '../helpers/db.ts';
import { FIXTURES_DIR } from '../helpers/fixtures.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { writeFigures } from './figures.ts';

// The full 5,000 in `npm test`: on the shared 2-CPU machine 5,000 and 2,000 both took ~208 s (load 10–14),
// so a smaller default would save little (docs/reliability.md, "Sizes").
const TOTAL = Number(process.env.CRASH_WEBHOOKS ?? 5000);
const KILLS = Number(process.env.CRASH_KILLS ?? 3);
// Offered at the ingest goal (issue 19: 3,000 webhooks/s, group-committed), paced so each webhook leaves at
// its slot in the burst; deliveries overlap up to CONCURRENCY as a vendor's parallel senders do. At 3,000/s
// and the goal's p99 of 50 ms about 150 are in flight; more senders (CRASH_CONCURRENCY=384) swamped a loaded
// 2-core machine with reconnects (12–20/s reached, 600 s timeout), so the default stays 128.
const RATE = Number(process.env.CRASH_RATE ?? 3000);
const CONCURRENCY = Number(process.env.CRASH_CONCURRENCY ?? 128);
/** The window before each SIGKILL over which the rate actually reached is measured. */
const WINDOW_MS = 250;

let passed = false;
let startedAt = 0;
let burstSeconds = 0;
export const crashFigures = {
  offered_per_s: RATE,
  acknowledged_per_s: 0,
  sent: 0,
  acknowledged: 0,
  attempts: 0,
  non2xx: 0,
  connectionErrors: 0,
  kills: 0,
  orders: 0,
  duplicates: 0,
  lost: 0,
  invitationsDone: 0,
  /** Per SIGKILL: webhooks sent and acknowledged per second over the WINDOW_MS before it, and deliveries in flight at it. */
  at_kills: [] as { sent_per_s: number; acknowledged_per_s: number; in_flight: number }[],
};
/** When each first delivery left and each acknowledgement arrived (ms, performance.now()). */
const sentAt: number[] = [];
const ackedAt: number[] = [];
let inFlight = 0;
const perSecond = (times: number[], end: number) => Math.round((times.filter((t) => t > end - WINDOW_MS && t <= end).length * 1000) / WINDOW_MS);

let srv: RunningServer;
let sim: Awaited<ReturnType<typeof startSimulator>>;
let webhookUrl: string;
const secret = 'crash-test-webhook-secret';
const template = JSON.parse(readFileSync(join(FIXTURES_DIR, 'kombo/assessment-order-received.json'), 'utf8'));

beforeAll(async () => {
  sim = await startSimulator();
  srv = await startServer({ env: { KOMBO_RECONCILE_MS: '3600000' } });
  const c = await assay(['connections:add', '--account', 'demo', '--provider', 'kombo', '--set', `api_key=${sim.credentials.api_key}`, '--set', `integration_id=${template.data.integration_id}`, '--set', `webhook_secret=${secret}`, '--set', `base_url=${sim.baseUrl}`, '--json'], { ...srv.storeEnv });
  expect(c.code, c.stderr).toBe(0);
  webhookUrl = `${srv.url.replace(/:\d+$/, `:${srv.port}`)}/webhooks/kombo/${c.json.connection_id}`;
}, 120_000);
afterAll(async () => {
  await srv?.stop();
  await sim?.close();
  process.stderr.write(`crash: ${JSON.stringify(crashFigures)}\n`);
  writeFigures(`crash-${TOTAL}`, { ...crashFigures, webhooks: TOTAL, kills_planned: KILLS, concurrency: CONCURRENCY, seconds: Math.round((Date.now() - startedAt) / 100) / 10, burst_seconds: Math.round(burstSeconds * 10) / 10 }, passed);
});

function body(i: number): string {
  const b = structuredClone(template);
  b.id = `evt-crash-${i}`;
  b.data.id = `kombo-order-${i}`;
  b.data.package_id = 'work-style';
  b.data.candidate = { ...b.data.candidate, remote_id: `crash-cand-${i}`, email: `crash${i}@example.com` };
  b.data.application = { remote_id: `crash-app-${i}` };
  return JSON.stringify(b);
}

/** Delivers one webhook until it is acknowledged with 2xx, retrying errors and connection failures. */
async function deliver(i: number): Promise<void> {
  const raw = body(i);
  const sig = createHmac('sha256', secret).update(raw).digest('base64url');
  for (let attempt = 0; attempt < 200; attempt++) {
    crashFigures.attempts++;
    inFlight++;
    try {
      const res = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-kombo-signature': sig }, body: raw, signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer();
      if (res.status >= 200 && res.status < 300) {
        crashFigures.acknowledged++;
        ackedAt.push(performance.now());
        return;
      }
      crashFigures.non2xx++;
    } catch {
      crashFigures.connectionErrors++;
    } finally {
      inFlight--;
    }
    await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
  }
  throw new Error(`webhook ${i} never acknowledged`);
}

describe('crash safety', () => {
  it(`keeps exactly one order per acknowledged webhook across ${KILLS} SIGKILLs, and the outbox resumes`, { timeout: 600_000 }, async () => {
    startedAt = Date.now();
    let next = 0;
    const workers = Array.from({ length: CONCURRENCY }, async () => {
      while (next < TOTAL) {
        const i = next++;
        const slot = startedAt + (i * 1000) / RATE;
        if (slot > Date.now()) await new Promise((r) => setTimeout(r, slot - Date.now()));
        crashFigures.sent++;
        sentAt.push(performance.now());
        await deliver(i);
      }
    });
    // Kill the server at evenly spaced points of the burst, restarting it on the same port and data.
    const killer = (async () => {
      for (let k = 1; k <= KILLS; k++) {
        while (crashFigures.acknowledged < (TOTAL * k) / (KILLS + 1)) await new Promise((r) => setTimeout(r, 5));
        // What the server was taking when it died: the rate reached, not the rate asked for.
        const now = performance.now();
        crashFigures.at_kills.push({ sent_per_s: perSecond(sentAt, now), acknowledged_per_s: perSecond(ackedAt, now), in_flight: inFlight });
        srv = await srv.restart({ KOMBO_RECONCILE_MS: '3600000' });
        crashFigures.kills++;
      }
    })();
    await Promise.all([...workers, killer]);
    burstSeconds = (Date.now() - startedAt) / 1000;
    crashFigures.acknowledged_per_s = Math.round(TOTAL / burstSeconds);
    expect(crashFigures.acknowledged).toBe(TOTAL);
    // Each SIGKILL hit a server in the middle of the burst: deliveries were in flight when it died (the
    // rates reached are reported, not asserted: they depend on the machine).
    expect(crashFigures.at_kills.map((k) => k.in_flight > 0)).toEqual(Array(KILLS).fill(true));

    const rows = query<{ source_order_id: string; n: number }>(srv, "SELECT source_order_id, COUNT(*) AS n FROM orders WHERE source = 'kombo' GROUP BY source_order_id");
    crashFigures.orders = rows.length;
    crashFigures.duplicates = rows.filter((r) => r.n > 1).length;
    const ids = new Set(rows.map((r) => r.source_order_id));
    crashFigures.lost = Array.from({ length: TOTAL }, (_, i) => `kombo-order-${i}`).filter((id) => !ids.has(id)).length;
    expect(crashFigures.duplicates).toBe(0);
    expect(crashFigures.lost).toBe(0);
    expect(crashFigures.orders).toBe(TOTAL);
    const invites = query<{ n: number }>(srv, "SELECT COUNT(*) AS n FROM outbox WHERE kind = 'email.invitation'")[0]!.n;
    expect(invites).toBe(TOTAL); // one invitation per order, never two

    // The outbox resumes where it stopped: every invitation is delivered after the last restart.
    const deadline = Date.now() + 240_000;
    for (;;) {
      crashFigures.invitationsDone = query<{ n: number }>(srv, "SELECT COUNT(*) AS n FROM outbox WHERE kind = 'email.invitation' AND status = 'done'")[0]!.n;
      if (crashFigures.invitationsDone === TOTAL || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(crashFigures.invitationsDone).toBe(TOTAL);
    const mails = query<{ n: number }>(srv, "SELECT COUNT(DISTINCT order_id) AS n FROM outbox WHERE kind = 'email.invitation' AND status = 'done'")[0]!.n;
    expect(mails).toBe(TOTAL);
    passed = true;
  });
});
