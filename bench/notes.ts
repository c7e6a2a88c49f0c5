// What profiling showed for a figure that misses its goal. Shown in BENCHMARKS.md only while that
// figure misses; keep each note to what was measured, and update it when the code changes.
export interface Note {
  /** Figure keys (prefixes) the note explains. */
  keys: string[];
  title: string;
  text: string;
}

export const NOTES: Note[] = [
  {
    keys: ['api.session'],
    title: 'Session minting (POST /api/session)',
    text:
      'Commit be721ec already made two fixes that earlier profiles pointed to: the widget session token is now signed with node:crypto instead of jose/WebCrypto, and the candidate row is written only when a claim changed, so a repeat mint no longer costs an fsync. ' +
      'Per mint, what remains is verifying the ATS’s context token with jose, whose HS256 goes through asynchronous WebCrypto: these are the jose and node:internal webcrypto frames in the profile (about 0.4 ms per verification here in isolation, against about 0.03 ms with node:crypto). Then come looking up the account and the candidate through the store lock, and a larger JSON response. ' +
      'A node:crypto path for HS256 context tokens would cut the verification further. jose stays needed for RS256/ES256/EdDSA and JWKS. The code is in server/context, not this task’s.',
  },
  {
    keys: ['api.packages', 'api.orders'],
    title: 'Widget API reads (GET /api/packages, GET /api/orders)',
    text:
      'After the session-token fix (be721ec), the server profile in section 1 has no single hot spot. The store takes about 20 % of busy time: `listForApplication`’s query and row mapping, and `packages.list`, which reads the package list from SQLite on every request. Socket writes (`writev`) take about 13 %, and Hono routing, middleware (request id, security headers, JSON body guard) and JSON serialisation make up most of the rest. ' +
      'The bare server has one route, no middleware and an 11-byte body. Next steps for the route owners: cache each account’s active package list in memory and drop it when packages change; map order rows to JSON once rather than in two passes; check what each middleware costs per request.',
  },
  {
    keys: ['ingest.rate'],
    title: 'Webhook ingest',
    text:
      'Each Kombo webhook is one store transaction, committed with synchronous=FULL: one fsync per webhook, measured at 2–5 ms per commit on this disk. The fsync runs synchronously on the event loop (better-sqlite3) and the store lock serialises it, so the ceiling is about 1 ÷ the fsync time however much CPU is free. ' +
      'And one webhook costs more than one fsync: each accepted order queues its invitation e-mail, and the outbox then leases it (`claimDue` runs one autocommit UPDATE per leased job, 10 fsyncs per batch of 10: see its p99 in section 3) and completes it (another commit). On a disk that other work is also syncing, this stalls the event loop, and latency climbs even at low rates. ' +
      'Reaching 3,000 durable webhooks/s needs group commit: the webhooks that arrive within a few milliseconds share one transaction, and each is acknowledged after that shared fsync (an acknowledgement must still wait for its commit). ' +
      'That is a change to the store and the ingest path (server/store, server/connectors/kombo) and is not made here. Turning durability down (synchronous=NORMAL) would break the promise that every acknowledged order is durable.',
  },
  {
    keys: ['memory'],
    title: 'Memory under load',
    text:
      'The server runs under `node --import tsx`, as `npm start` runs it. That alone costs about 26 MB: a bare Hono hello-world sits at about 55 MB RSS under plain node and about 81 MB under tsx, because of tsx’s module-loader thread and esbuild. ' +
      'The BFF adds about 40 MB at idle (its modules, the hono-openapi and valibot schemas, better-sqlite3, jose, nodemailer), and the V8 heap grows under load with 10 busy connections. ' +
      'Running a prebuilt bundle with plain node would remove the loader’s share; capping the young generation (`--max-semi-space-size`) would trade a little throughput for less RSS.',
  },
  {
    keys: ['weight.view.picker'],
    title: 'Picker weight',
    text:
      'The shell that every view loads is most of the weight: index.html, the entry chunk (about 5.4 KB gzip), the shared runtime chunk with Preact, signals, strings and the API client (about 8.3 KB), and the CSS (about 1.6 KB). The picker’s own chunk is about 2.2 KB. ' +
      'Getting under 16 KB means slimming the shell, for example by keeping other views’ code and strings out of the entry and shared chunk. That is widget code (widget/app), owned by the widget engineer.',
  },
  {
    keys: ['browser.picker'],
    title: 'Script tag to interactive picker',
    text:
      'The request waterfall of a typical cold run (section 5) is a chain of round trips: the loader, the iframe HTML, the entry chunk, then the shared chunk (index.html does not `modulepreload` it, so it is fetched only after the entry is parsed), then the context token from the host, then POST /api/session, then the picker’s chunk (fetched only once the session exists), then GET /api/packages. ' +
      'On loopback each transfer takes a few milliseconds; the time goes to waiting in series and to minting the session on the server (see the note on session minting above). ' +
      'Fixes for the widget: `modulepreload` the shared chunk and the first view’s chunk from index.html, and fetch the view’s chunk while the session is being opened. For the server: cheaper session minting.',
  },
  {
    keys: ['storage.list'],
    title: 'Listing one application’s orders',
    text:
      'The query plan uses `orders_application (account_id, application_id, created_at DESC)`, plus a temporary B-tree for the `id DESC` tie-break, which is cheap for a few rows. Its p50 is far below the goal. ' +
      'A p99 over 1 ms comes from the outliers: this process is scheduled off the CPU, and the store’s async lock adds a microtask hop per call. Check the load average in sections 1–2 before reading a miss as a regression.',
  },
];
