// Bounded caches (issue 18: "with NODE_ENV=production, every missing /widget/assets/<name> is cached forever:
// 48,000 unique paths took the server from 127 MB to 961 MB"). Two rounds of 12,000 unique missing asset
// paths of 4 KB each (48 MB of names a round) are all answered 404. The first round brings the heap to its
// steady state (garbage of requests included); during the second the server's resident memory grows by less
// than 20 MB, where remembering every miss would grow it by the size of the names again.
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { writeFigures } from './figures.ts';

const PATHS = 12_000;
const CONCURRENCY = 16;
let srv: RunningServer;
const figures: Record<string, unknown> = {};
let passed = false;
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

beforeAll(async () => {
  // A heap of 160 MB, as a small container would give: remembering every miss does not fit in it.
  srv = await startServer({ env: { NODE_ENV: 'production', NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=160`.trim() } });
}, 120_000);
afterAll(async () => {
  agent.destroy();
  await srv?.stop();
  writeFigures('bounded-caches', figures, passed);
});

const rss = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${srv.child.pid}/status`, 'utf8'))![1]) * 1024;

const get = (path: string) =>
  new Promise<number>((resolve, reject) => {
    const req = request(`${srv.url}${path}`, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end();
  });

it(`answers 2 × ${PATHS} unique missing /widget/assets paths with 404 in bounded memory`, async () => {
  const pad = 'x'.repeat(4000);
  const statuses: Record<number, number> = {};
  let base = 0;
  let peak = 0;
  const started = Date.now();
  for (const round of ['warm', 'measured']) {
    if (round === 'measured') peak = base = rss();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < PATHS) {
          const i = next++;
          const st = await get(`/widget/assets/${round}-${i}-${pad}.js`);
          statuses[st] = (statuses[st] ?? 0) + 1;
          if (i % 500 === 0) peak = Math.max(peak, rss());
        }
      }),
    );
  }
  peak = Math.max(peak, rss());
  figures.paths = PATHS;
  figures.path_bytes = 4000;
  figures.rss_before_mb = Math.round(base / 1e5) / 10;
  figures.rss_peak_mb = Math.round(peak / 1e5) / 10;
  figures.rss_growth_mb = Math.round((peak - base) / 1e5) / 10;
  figures.seconds = Math.round((Date.now() - started) / 100) / 10;
  expect(statuses).toEqual({ 404: 2 * PATHS });
  expect(peak - base).toBeLessThan(20 * 1024 * 1024);
  passed = true;
}, 300_000);
