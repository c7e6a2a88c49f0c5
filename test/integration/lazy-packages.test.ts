// The compiled server (as `npm start` runs it) loads what a deployment uses and nothing more: on SQLite it
// never loads the PostgreSQL driver (pg), and nodemailer only once a mail goes out — which it still does:
// placing an order writes the invitation (.eml) as before. Issue 19: server memory.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildServer } from '../../scripts/build-server.ts';
import { ROOT, startServer, type RunningServer } from '../helpers/server.ts';
import { api, sessionToken } from '../helpers/tokens.ts';

const PROBE = join(ROOT, 'test/helpers/loaded-packages.mjs');
let outdir: string;
let dataDir: string;

beforeAll(async () => {
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  // A folder of its own under dist/ (node_modules resolves from there as from dist/server), so a build
  // here never disturbs a server running from dist/server.
  outdir = mkdtempSync(join(ROOT, 'dist', '.server-test-'));
  await buildServer(outdir);
  dataDir = mkdtempSync(join(outdir, 'data-'));
}, 120_000);

afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
});

/** Starts the compiled server on the shared data folder, with the probe; `stop` resolves to the packages it loaded. */
async function start(name: string): Promise<{ server: RunningServer; stop: () => Promise<string[]> }> {
  const file = join(outdir, `${name}.json`);
  const server = await startServer({ script: join(outdir, 'main.js'), nodeArgs: ['--import', PROBE], dataDir, env: { ASSAY_LOADED_PACKAGES_FILE: file } });
  return {
    server,
    async stop() {
      await server.stop();
      return JSON.parse(readFileSync(file, 'utf8')) as string[];
    },
  };
}

const mails = () => (existsSync(join(dataDir, 'mail')) ? readdirSync(join(dataDir, 'mail')).filter((f) => f.endsWith('.eml')) : []);

it('on SQLite, serving the widget API loads neither pg nor nodemailer', { timeout: 60_000 }, async () => {
  const { server, stop } = await start('idle');
  let loaded: string[];
  try {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const w = api(server.url, await sessionToken(server.url, server.demo));
    const list = await w.get('/api/packages');
    expect(list.status).toBe(200);
    expect(list.body.packages.length).toBeGreaterThan(0);
  } finally {
    loaded = await stop();
  }
  expect(loaded).toContain('better-sqlite3'); // the probe sees the packages the server does load
  expect(loaded).not.toContain('pg');
  expect(loaded).not.toContain('nodemailer');
});

it('the first invitation loads nodemailer and is written as before; pg is still never loaded', { timeout: 60_000 }, async () => {
  const { server, stop } = await start('mail');
  let loaded: string[];
  try {
    const w = api(server.url, await sessionToken(server.url, server.demo, { claims: { candidate: { id: 'lazy-1', email: 'lazy-1@example.test', first_name: 'Ada', last_name: 'Lovelace' } } }));
    const { body } = await w.get('/api/packages');
    const placed = await w.post('/api/orders', { package_id: body.packages[0].id });
    expect(placed.status).toBe(201);
    const orderId = placed.body.order.id as string;
    const deadline = Date.now() + 30_000;
    while (!mails().some((f) => f.endsWith(`-${orderId}.eml`)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const eml = mails().find((f) => f.endsWith(`-${orderId}.eml`));
    expect(eml, 'the invitation was written').toBeDefined();
    expect(readFileSync(join(dataDir, 'mail', eml!), 'utf8')).toMatch(/^To: lazy-1@example\.test$/m);
  } finally {
    loaded = await stop();
  }
  expect(loaded).toContain('nodemailer');
  expect(loaded).not.toContain('pg');
});
