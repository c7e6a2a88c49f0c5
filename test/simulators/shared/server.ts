/**
 * Start a Hono app as a real HTTP server (@hono/node-server `serve`).
 *
 * API (stable):
 *   startHonoApp(app, { port?, host? }) -> Promise<RunningServer>
 *     RunningServer = { server, host, port, origin, close() }
 *     - port 0 / absent picks a free port; host defaults to 127.0.0.1
 *     - origin is "http://<host>:<port>"
 *     - close() stops listening AND drops keep-alive sockets, so tests never hang
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';

export interface RunningServer {
  server: Server;
  host: string;
  port: number;
  origin: string;
  close(): Promise<void>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function startHonoApp(app: Hono<any, any, any>, opts: { port?: number; host?: string } = {}): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? 0;
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port, hostname: host }) as Server;
    s.once('error', reject);
    s.once('listening', () => {
      s.off('error', reject);
      resolve(s);
    });
  });
  const actual = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;
  return {
    server,
    host,
    port: actual,
    origin: `http://${host.includes(':') ? `[${host}]` : host}:${actual}`,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      });
      return closed;
    },
  };
}
