// Issue 18's outbound findings through a real connector job: the real server process runs the Recruitee
// write-back from its outbox, and a loopback "Recruitee" answers it. What an operator observes is read with
// `assay outbox:list --json` (the job's status and stored error); what the vendor observes is what reached its
// socket (the paths requested, the bytes it got to write).
//
// The write-back is Recruitee's report update, PATCH {base}/p/{codename}/reports/{report_id} (Recruitee
// Partners API §3.3, "Update report"), sent when the order is cancelled. report_id is the vendor's own id: it
// arrives in send_candidate (§3.2), so Recruitee (or whoever holds the customer token) chooses it.
//   - A report_id of ".." makes the URL /p/{codename}/reports/.. — which URL parsing resolves to
//     /p/{codename}/ — so the update would land on another resource. The job must be dead with a stored
//     reason and the vendor must see no request at all for it.
//   - A vendor answering the update with 500 and a 64 MiB body: the job must be retried with a short stored
//     error, the server must read only the start of the answer (the vendor sees the connection dropped early)
//     and the server's memory must stay bounded.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../helpers/server.ts';
import { api, sessionToken } from '../helpers/tokens.ts';
import { addConnection, assayAsync, startPublicServer, until } from '../integration/stackone-recruitee-helpers.ts';

const BODY = 64 * 1024 * 1024;
const CODENAME = 'assay';
const CUSTOMER_TOKEN = 'customer-token-0123456789abcdef';
const COMPANY_ID = '4242';

interface Seen {
  method: string;
  url: string;
  /** Bytes of the answer written before the connection closed, and whether it closed before the end. */
  written: number;
  closedEarly: Promise<boolean>;
}

describe('outbound answers and vendor ids through the Recruitee write-back job', () => {
  let server: RunningServer;
  let vendor: Server;
  let vendorBase = '';
  let conn = '';
  const seen: Seen[] = [];

  beforeAll(async () => {
    vendor = createServer((req, res) => {
      const entry: Seen = { method: req.method!, url: req.url!, written: 0, closedEarly: Promise.resolve(false) };
      seen.push(entry);
      req.resume();
      if (req.url!.includes('/reports/huge-')) {
        // A vendor error page without end: 64 MiB in 64 KiB chunks, pushed as fast as the reader takes them.
        res.writeHead(500, { 'content-type': 'text/plain' });
        const chunk = Buffer.alloc(64 * 1024, 'Service unavailable. ');
        entry.closedEarly = new Promise((resolve) => {
          res.on('close', () => resolve(entry.written < BODY));
          const pump = () => {
            while (entry.written < BODY && !res.destroyed) {
              entry.written += chunk.length;
              if (!res.write(chunk)) return void res.once('drain', pump);
            }
            res.end();
          };
          pump();
        });
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
    await new Promise<void>((r) => vendor.listen(0, '127.0.0.1', () => r()));
    vendorBase = `http://127.0.0.1:${(vendor.address() as AddressInfo).port}/api`;
    server = await startPublicServer();
    conn = await addConnection(server, 'recruitee', {
      customer_token: CUSTOMER_TOKEN,
      partner_secret: 'partner-secret-0123456789abcdef',
      codename: CODENAME,
      webhook_secret: 'webhook-secret-0123456789abcdef',
      company_id: COMPANY_ID,
      base_url: vendorBase,
    });
  });
  afterAll(async () => {
    await server?.stop();
    vendor?.closeAllConnections();
    await new Promise<void>((r) => (vendor ? vendor.close(() => r()) : r()));
  });

  /** Recruitee's "Send test" (§3.2) with the given report_id, then the recruiter cancels it in the widget. */
  async function orderAndCancel(reportId: string, candidateId: number): Promise<string> {
    const sent = await fetch(`${server.url}/partner/recruitee/${conn}/send_candidate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CUSTOMER_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ first_name: 'Ada', last_name: 'Lovelace', email: `cand${candidateId}@example.com`, candidate_id: candidateId, company_id: Number(COMPANY_ID), report_id: reportId, test_id: 'numerical-reasoning', test_name: 'Numerical reasoning' }),
    });
    expect(sent.status).toBe(201);
    const orderId = ((await sent.json()) as { id: string }).id;
    const token = await sessionToken(server.url, server.demo, { claims: { application: { id: String(candidateId) } } });
    const cancelled = await api(server.url, token).post(`/api/orders/${orderId}/cancel`);
    expect(cancelled.status).toBe(200);
    return orderId;
  }

  /** The write-back job of an order as `assay outbox:list --json` shows it to the operator. */
  async function writeBackJob(orderId: string): Promise<{ status: string; attempts: number; last_error: string | null } | undefined> {
    const r = await assayAsync(server, ['outbox:list', '--account', server.demo.account_id, '--kind', 'writeback', '--limit', '50']);
    if (r.code !== 0) throw new Error(`outbox:list failed: ${r.stderr}`);
    return (r.json.jobs as Array<{ order_id: string; status: string; attempts: number; last_error: string | null }>).find((j) => j.order_id === orderId);
  }

  it('a report_id of ".." from the vendor: the write-back job is dead with the reason, and Recruitee gets no request for it', async () => {
    // A normal report first, so the test also proves the write-back reaches the vendor at all.
    const okOrder = await orderAndCancel('rep-ok-1', 701);
    const ok = await until(() => writeBackJob(okOrder), (j) => j?.status === 'done', 30_000, 'the ordinary write-back done');
    expect(ok!.attempts).toBe(1);
    expect(seen.map((s) => `${s.method} ${s.url}`)).toContain(`PATCH /api/p/${CODENAME}/reports/rep-ok-1`);

    const before = seen.length;
    const dotOrder = await orderAndCancel('..', 702);
    const job = await until(() => writeBackJob(dotOrder), (j) => j?.status === 'dead' || j?.status === 'done', 30_000, 'the ".." write-back finished');
    // Nothing reached the vendor for this order: neither /reports/.. nor the path it resolves to (/p/assay/).
    expect(seen.slice(before).map((s) => `${s.method} ${s.url}`)).toEqual([]);
    expect(job!.status).toBe('dead');
    expect(job!.last_error).toMatch(/path segment/);
  }, 90_000);

  it('a 64 MiB error answer: the job is retried with a short stored error, the server stops reading early and its memory stays bounded', async () => {
    const status = () => readFileSync(`/proc/${server.child.pid}/status`, 'utf8');
    const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(status())![1]) / 1024;
    const baseline = rssMb();
    let peak = baseline;
    const sampler = setInterval(() => {
      try {
        peak = Math.max(peak, rssMb());
      } catch {
        /* the process is gone: the assertions below say so */
      }
    }, 20);
    try {
      const order = await orderAndCancel('huge-1', 703);
      // Waiting for the job to be back in the queue after a failed attempt (not in a retry's 'running').
      const job = await until(() => writeBackJob(order), (j) => j?.status === 'pending' && j.attempts >= 1, 60_000, 'a failed attempt of the write-back recorded');
      // The start of the answer only (failureFor keeps 300 characters), cut wherever that falls.
      expect(job!.last_error).toMatch(/^Recruitee report update: HTTP 500 Service unavailable\. [\w. ]*$/);
      expect(job!.last_error!.length).toBeLessThan(400);
      const first = seen.find((s) => s.url === `/api/p/${CODENAME}/reports/huge-1`)!;
      expect(first).toBeDefined();
      // The vendor saw its connection dropped after a few MiB at most (socket buffers); the old code read all 64.
      expect(await first.closedEarly).toBe(true);
      expect(first.written).toBeLessThan(16 * 1024 * 1024);
    } finally {
      clearInterval(sampler);
    }
    expect(server.child.exitCode).toBeNull();
    expect(peak - baseline).toBeLessThan(40);
  }, 120_000);
});
