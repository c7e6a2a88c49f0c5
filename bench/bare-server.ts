// The baseline: a bare Hono hello-world on @hono/node-server, started exactly like the real server
// (node --import tsx, PORT=0, one JSON "listening" line on stdout).
import { Hono } from 'hono';
import { serveAndAnnounce } from './lib/listen.ts';

const app = new Hono();
app.get('/', (c) => c.text('Hello Hono!'));
serveAndAnnounce(app);
