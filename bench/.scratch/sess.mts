import { startAssay, mintContext, person } from '../lib/assay.ts';
import { runLoad } from '../lib/load.ts';
const s = await startAssay();
const ctx = await mintContext(s.demo, person('x'), 900);
const r = await runLoad({ url: s.url, connections: 10, durationS: 3, mode: { kind: 'session', path: '/api/session', context: ctx } });
console.log(r);
await s.close();
