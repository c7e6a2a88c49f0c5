// Loopback ports for tests.
import { createServer } from 'node:net';

/** A port that was free a moment ago, so a server can be told its own address (PUBLIC_URL) before it starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
