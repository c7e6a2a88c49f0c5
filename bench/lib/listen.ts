// How the benchmark's own small servers start, exactly like the real server: PORT (0: any free port) on HOST,
// one JSON "listening" line on stdout, and a clean exit on SIGINT/SIGTERM. Nothing else is imported, so a
// baseline that uses it stays bare.
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';

export function serveAndAnnounce(app: Hono): void {
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
}
