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
      'Since issue 19 the ATS’s HS256 context token is verified with node:crypto (pinned algorithm, constant-time MAC compare, jose’s own claim validation on the verified payload) and the opened secret is cached per sealed value; the session token was already node:crypto. ' +
      'What remains per mint: the account lookup by issuer and the candidate upsert through the store lock (a write joins the group commit, so it waits for that commit’s fsync), then a larger JSON answer. jose stays for RS256/ES256/EdDSA and JWKS.',
  },
  {
    keys: ['api.packages', 'api.orders'],
    title: 'Widget API reads (GET /api/packages, GET /api/orders)',
    text:
      'GET /api/packages answers from bytes made once per account and list version (JSON, brotli and gzip, strong ETag; one point read of `package_versions` per request, so a change by another instance or the CLI shows in the next answer), sent like a built file. ' +
      'GET /api/orders reads, through `orders_application` (named in the statement: without ANALYZE statistics SQLite had picked `orders_account_recent`), only the 21 columns an order’s JSON is made from (`orders.listForWidget`) and maps each row into one object; before, each row came back with all ~30 columns (meta parsed from JSON), was spread twice and mapped again. ' +
      'Since 2026-12-07 (issue 19 item 4) a widget session token’s MAC and claims are checked once per token (the widget sends the same token for up to 15 minutes; expiry is still checked on every use) and the 405 check reuses Hono’s own route match instead of matching the path again. Back to back with the previous code on the shared machine, server CPU per request: GET /api/orders 703 → 332 µs, GET /api/packages 321 → 247 µs (medians of 3 rounds). ' +
      'Section 1b takes the middleware apart: on a hello-world, requestId, baselineHeaders and compress each add 15–25 µs (a web `Headers` object made and written for every answer: the request id, seven security headers, an ETag hashed over small answers), the 405 check, body limit, client address and the (remembered) session check next to nothing. ' +
      'What remains, by the profile of GET /api/packages: the kernel’s socket write (`writev`, about a quarter of busy time; the bare server pays it too), garbage collection (about 9 %), that header work, the `package_versions` read, and the promise hooks of the SQLite store’s AsyncLocalStorage (its guard against a store call from inside a unit of work turns on async_hooks for every promise in the process, about 3 %). ' +
      'Reaching half of the bare server would mean sending answers without web `Headers` (plain header objects written straight to node’s response) and dropping that per-promise hook.',
  },
  {
    keys: ['ingest.rate'],
    title: 'Webhook ingest',
    text:
      'Since issue 19 units of work on SQLite are group-committed: the webhooks that reach the store before the event loop turns share one transaction and one fsync (synchronous=FULL kept), each in its own SAVEPOINT, each acknowledged after its COMMIT; the outbox leases a batch in one UPDATE … RETURNING. ' +
      'The reference receiver (bench/ref-receiver.ts) runs the same schedule in the same run: compare against it, not against the absolute goal, when the machine is shared. ' +
      'The profile (below, taken by the ingest section whenever the goal is missed) found on 2026-12-07: placeOrder’s order_already_active check planned through `orders_account_package` and walked every order of the package on the account (7 % of busy time at 200/s and growing with the table; now `INDEXED BY orders_candidate`); each order inserted also paid for `orders_account_created`, a prefix of `orders_account_recent` (dropped, migration 290); the outbox enqueue read back the row it had just written (removed). ' +
      'Since 2026-12-07 (bench/ingest-cpu.ts: server CPU per webhook, closed loop of 16 connections, old and new builds taking turns, median of 3): the request body is read once, straight from node’s request (it went through a web stream and a second Request, 8–12 % of busy time); a connection’s sealed secrets are opened once per sealed value, not twice per webhook; ids, tokens and IVs come from a pooled CSPRNG buffer (seven randomBytes calls per order at ~15 µs each); the invitation token is hashed once; nodemailer is told the transfer encoding instead of scanning every part; the invitation job reads in one unit of work; the webhook route looks up the connection, checks the signature, records and handles in one unit of work (21 → 17 statements per webhook). Server CPU per webhook during the load: 3,881 → 2,459 µs; including the invitations sent afterwards: 4,814 → 4,573 µs. ' +
      'What remains beyond the reference (17 statements against its 1): the inbox record and its de-duplication read, account, package and candidate reads, the candidate upsert, the active-order check, the order insert into a table with ten indexes (each used by a dashboard, job, lapsed-order, standing or Insights query — EXPLAIN QUERY PLAN; the five per-account list indexes cost ~70 µs per order), the outbox insert and the audit entry; the signature check and body validation; Hono’s middleware chain; and the invitation e-mail sent by the same process (~0.7–1.5 ms of nodemailer CPU each, most of the gap between “during the load” and “until idle”). ' +
      'Two costs measured but kept: the SQLite store’s AsyncLocalStorage guard (it makes a store call from inside a unit of work that bypasses `tx` fail at once instead of deadlocking; on Node 20 it runs a hook on every promise — a build without it was faster in 2 of 3 paired runs, 2,475 → 1,916 µs, not proven on this machine), and the young generation capped at 2 MB for memory (raising it to 16 MB changed CPU per webhook within noise). Next steps: sending e-mail from a worker thread or process, and the guard only outside production or on a Node whose promise hooks are cheaper. COMMIT runs its fsync on the event loop thread here as in the reference.',
  },
  {
    keys: ['memory'],
    title: 'Memory under load',
    text:
      'Since issue 19 the server is measured as `npm start` runs it: compiled to dist/server/main.js and started with plain node (no tsx loader thread or esbuild, about 26 MB less), with the node options of package.json’s start script. ' +
      'Two of them bound the V8 heap under load: `--max-semi-space-size=2` (young generation 2 × 2 MB instead of growing to 2 × 16 MB) and `--heap-growing-percent=20` (the old generation grows to 1.2× what survived the last full collection, instead of up to several times; with 20–30 MB live the heap stayed near 30 MB instead of 50–90 MB). pg loads only with DATABASE_URL, nodemailer with the first mail. ' +
      'Measured on 2026-12-07 on a busy machine (load average 16–18 on 2 cores), this load, median of 3: before 155.0 MB at the end and 155.0 MB peak, after 101.1 MB and 103.3 MB. ' +
      'What remains: about 54 MB is file-backed (mostly the node binary’s own pages, shared with every node process; a bare Hono has the same), the V8 heap about 30 MB (20–26 MB live: compiled code, routes, valibot and hono-openapi schemas), the rest native (better-sqlite3, HTTP, OpenSSL). ' +
      'The cost is more frequent garbage collection. Side by side in one run on the busy machine (both servers under the same load at the same time), server CPU per request moved by −5 % to +7 % (packages 287 → 273 µs, session 1,110 → 1,187 µs, orders 597 → 634 µs), within that machine’s noise; a quiet run of this section is the figure to trust. A server with memory to spare can drop the two options.',
  },
  {
    keys: ['weight.wire.view.picker'],
    title: 'Picker weight',
    text:
      'Goal is on the bytes sent: since issue 19 the server sends the build’s brotli files (see “On the wire” in section 4, and test/browser/budgets.test.ts over HTTP). Per-file gzip -9 is kept for comparison with earlier runs. ' +
      'The shell every view loads is most of the weight: the entry chunk, the shared runtime chunk (Preact, signals, strings, the API client) and the CSS; the picker’s own chunk is about 2 KB.',
  },
  {
    keys: ['browser.picker'],
    title: 'Script tag to interactive picker',
    text:
      'Since issue 19: index.html preloads the shared chunk and the picker’s chunk (`modulepreload`), the view’s code is requested together with the session, the package list as soon as the session exists, the loader adds `preconnect` to the Assay origin, and every file goes out brotli-compressed. ' +
      'What remains is the chain the protocol needs: loader, iframe HTML, the host’s context token, POST /api/session, GET /api/packages. On a loaded machine the session mint (a store write waiting for its group commit) is the longest link. ' +
      'Where the rest goes, from the request table below (the cold run nearest the median) in three quiet runs of 2026-12-07 (medians 415, 434 and 278 ms): the iframe’s HTML is in 15–20 ms after it is requested (its own navigation entry; the other /widget/ row is the host page’s entry for the iframe, which lasts until the frame’s load event), scripts and styles arrive within the next 90–180 ms, and POST /api/session starts 75–95 ms after the last of them (150 → 226 ms, 214 → 334 ms, 246 → 340 ms). That gap is the app’s own start-up in a cold Chromium (running the entry and the shared Preact chunk, rendering the shell, the picker chunk’s dynamic import of orders-channel) and the hello → init round trip with the loader, which hands over the context token the host fetched long before. Next step: a small first module that says hello and mints the session before the shell and Preact run (the token stays out of URLs: it comes by postMessage as now).',
  },
  {
    keys: ['storage.list'],
    title: 'Listing one application’s orders',
    text:
      'The query plan uses `orders_application (account_id, application_id, created_at DESC)`, plus a temporary B-tree for the `id DESC` tie-break, which is cheap for a few rows. Its p50 is far below the goal. ' +
      'A p99 over 1 ms comes from the outliers: this process is scheduled off the CPU, and the store’s async lock adds a microtask hop per call. Check the load average in sections 1–2 before reading a miss as a regression.',
  },
];
