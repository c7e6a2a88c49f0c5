// The baseline: a bare Hono hello-world on @hono/node-server, started exactly like the real server
// (node --import tsx, PORT=0, one JSON "listening" line on stdout).
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
app.get('/', (c) => c.text('Hello Hono!'));

const host = process.env.HOST || '127.0.0.1';
const server = serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: host }, (info) => {
  process.stdout.write(JSON.stringify({ msg: 'listening', url: `http://${host}:${info.port}`, port: info.port }) + '\n');
});
const shutdown = () => {
  server.close();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
