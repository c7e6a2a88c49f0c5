// Worker thread behind test/helpers/db.ts: runs one PostgreSQL query at a time for a test that reads the
// server's database synchronously (the test's thread waits on `signal`; see db.ts). Values come back as the
// SQLite store shows them, so one assertion holds on both stores: bigint and numeric as numbers, booleans as
// 1/0, json/jsonb as JSON text, timestamps as ISO-8601 text.
import { parentPort } from 'node:worker_threads';
import pg from 'pg';

const parsers = {
  20: Number, // int8 (the clocks)
  1700: Number, // numeric
  16: (v) => (v === 't' ? 1 : 0), // bool
  114: (v) => JSON.stringify(JSON.parse(v)), // json
  3802: (v) => JSON.stringify(JSON.parse(v)), // jsonb
  1184: (v) => new Date(v).toISOString(), // timestamptz
};
const types = { getTypeParser: (oid, format) => parsers[oid] ?? pg.types.getTypeParser(oid, format) };
const pools = new Map();

parentPort.on('message', async ({ signal, port, url, sql, params }) => {
  let reply;
  try {
    let pool = pools.get(url);
    if (!pool) {
      pools.set(url, (pool = new pg.Pool({ connectionString: url, max: 1, idleTimeoutMillis: 500, types })));
      // An idle connection ended by the server (the test's database dropped as its server stops): the next
      // query opens a new one.
      pool.on('error', () => {});
    }
    const r = await pool.query({ text: sql, values: params });
    reply = { rows: r.rows, changes: r.rowCount ?? 0 };
  } catch (err) {
    reply = { error: `${err.code ?? ''} ${err.message}`.trim() };
  }
  port.postMessage(reply);
  port.close();
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
});
