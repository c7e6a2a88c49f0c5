// The load generator, always its own process (so it never shares an event loop with the server or the
// runner). Reads a JSON LoadSpec from the file in argv[2], prints one JSON LoadResult line on stdout.
//  - as fast as possible (closed loop): autocannon's API, fixed connections, no pipelining;
//  - at a fixed rate (open loop): requests sent on a steady schedule over a keep-alive pool of
//    `connections` sockets, latency counted from each request's scheduled time (so a server that falls
//    behind is charged for the queue, i.e. no coordinated omission). autocannon's own rate option
//    spends each connection's per-second budget in a burst at the top of the second, which would
//    measure bursts instead of a rate.
import { createHmac } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import autocannon from 'autocannon';

export type LoadMode =
  | { kind: 'plain'; method?: 'GET' | 'POST'; path: string; headers?: Record<string, string>; body?: string }
  | { kind: 'session'; path: string; context: string }
  | {
      kind: 'kombo';
      path: string;
      secret: string;
      /** The fixture's parsed JSON; data.id, the event id and the candidate/application vary per request. */
      template: Record<string, any>;
      integrationId: string;
      packageId: string;
      /** Where to write the data.id of every acknowledged (2xx) order, one per line. */
      ackFile: string;
      /** Prefix that keeps ids unique across steps. */
      idPrefix: string;
    };

export interface LoadSpec {
  url: string;
  connections: number;
  durationS: number;
  warmupS?: number;
  /** Requests per second, open loop; absent = as fast as the connections allow (closed loop). */
  rate?: number;
  /** Also return every 2xx latency (ms, 0.01 resolution), to pool several runs. */
  samples?: boolean;
}

export interface LoadSpecWithMode extends LoadSpec {
  mode: LoadMode;
}

export interface LoadResult {
  /** Seconds from the first request to the last response. */
  durationS: number;
  /** Requests sent (open loop: scheduled). */
  total: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** 2xx responses per second over the measured window. */
  rps: number;
  /** Latency of 2xx responses in ms, full resolution (autocannon's own histogram keeps whole ms). */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  statusCodes: Record<string, number>;
  firstError?: string;
  samples?: number[];
}

interface Built {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  id?: string;
}

/** Request n of a mode. */
function builder(mode: LoadMode): (n: number) => Built {
  if (mode.kind === 'plain') {
    const b: Built = { method: mode.method ?? 'GET', path: mode.path, headers: mode.headers ?? {}, body: mode.body };
    return () => b;
  }
  if (mode.kind === 'session') {
    const body = JSON.stringify({ context: mode.context });
    return () => ({ method: 'POST', path: mode.path, headers: { 'content-type': 'application/json' }, body });
  }
  const t = mode.template;
  return (n) => {
    const id = `${mode.idPrefix}${n.toString(36).padStart(6, '0')}`;
    const body = JSON.stringify({
      ...t,
      id: `evt${id}`,
      data: {
        ...t.data,
        id,
        integration_id: mode.integrationId,
        package_id: mode.packageId,
        candidate: { ...t.data.candidate, remote_id: `c${id}`, email: `${id.toLowerCase()}@example.test` },
        application: { ...t.data.application, remote_id: `a${id}` },
      },
    });
    const sig = createHmac('sha256', mode.secret).update(body).digest('base64url');
    return { method: 'POST', path: mode.path, headers: { 'content-type': 'application/json', 'x-kombo-signature': sig }, body, id };
  };
}

function pct(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

interface Tally {
  samples: number[];
  acked: string[];
  codes: Record<string, number>;
  non2xx: number;
  errors: number;
  timeouts: number;
  firstError?: string;
}
const newTally = (): Tally => ({ samples: [], acked: [], codes: {}, non2xx: 0, errors: 0, timeouts: 0 });

function finish(spec: LoadSpec, t: Tally, durationS: number, total: number): LoadResult {
  const sorted = Float64Array.from(t.samples).sort();
  const ok = sorted.length;
  return {
    durationS,
    total,
    ok,
    non2xx: t.non2xx,
    errors: t.errors,
    timeouts: t.timeouts,
    rps: ok / durationS,
    p50: pct(sorted, 50),
    p90: pct(sorted, 90),
    p99: pct(sorted, 99),
    max: ok ? sorted[ok - 1]! : NaN,
    statusCodes: t.codes,
    ...(t.firstError ? { firstError: t.firstError } : {}),
    ...(spec.samples ? { samples: Array.from(sorted, (x) => Math.round(x * 100) / 100) } : {}),
  };
}

/** Closed loop with autocannon. */
async function closed(spec: LoadSpec, mode: LoadMode, durationS: number): Promise<{ result: LoadResult; acked: string[] }> {
  const t = newTally();
  const build = builder(mode);
  let seq = 0;
  const opts: autocannon.Options = {
    url: spec.url,
    connections: spec.connections,
    duration: durationS,
    pipelining: 1,
    timeout: 10,
    requests: [
      {
        setupRequest: (req: any, context: any) => {
          const b = build(++seq);
          context.id = b.id;
          return { ...req, method: b.method, path: b.path, headers: b.headers, body: b.body };
        },
        onResponse: (status: number, body: string, context: any) => {
          if (status >= 200 && status < 300) {
            if (context.id) t.acked.push(context.id);
          } else if (!t.firstError) t.firstError = `${status} ${String(body).slice(0, 300)}`;
        },
      },
    ],
  };
  const instance = autocannon(opts);
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status >= 200 && status < 300) t.samples.push(ms);
  });
  instance.on('reqError', (err: Error) => {
    if (!t.firstError) t.firstError = String(err?.message ?? err);
  });
  const r = await new Promise<autocannon.Result>((resolve, reject) => {
    instance.on('done', resolve);
    instance.on('error', reject);
  });
  t.non2xx = r.non2xx;
  t.errors = r.errors;
  t.timeouts = r.timeouts;
  for (const [code, v] of Object.entries((r as any).statusCodeStats ?? {})) t.codes[code] = (v as { count: number }).count;
  return { result: finish(spec, t, r.duration, t.samples.length + r.non2xx), acked: t.acked };
}

/** Open loop: a steady schedule of `rate` requests per second over a keep-alive pool. */
async function open(spec: LoadSpec, mode: LoadMode, durationS: number, rate: number, startSeq: number): Promise<{ result: LoadResult; acked: string[] }> {
  const t = newTally();
  const build = builder(mode);
  const url = new URL(spec.url);
  const agent = new Agent({ keepAlive: true, maxSockets: spec.connections });
  const total = Math.max(1, Math.round(durationS * rate));
  const gap = 1000 / rate;
  const start = performance.now() + 20;
  let sent = 0;
  let done = 0;
  let last = start;
  await new Promise<void>((resolve) => {
    const fire = (scheduled: number, b: Built) => {
      const req = request(
        { agent, host: url.hostname, port: url.port, method: b.method, path: b.path, headers: { ...b.headers, ...(b.body ? { 'content-length': String(Buffer.byteLength(b.body)) } : {}) }, timeout: 10_000 },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d) => (body += d));
          res.on('end', () => {
            const now = performance.now();
            last = Math.max(last, now);
            const status = res.statusCode ?? 0;
            t.codes[status] = (t.codes[status] ?? 0) + 1;
            if (status >= 200 && status < 300) {
              t.samples.push(now - scheduled);
              if (b.id) t.acked.push(b.id);
            } else {
              t.non2xx++;
              if (!t.firstError) t.firstError = `${status} ${body.slice(0, 300)}`;
            }
            if (++done === total) resolve();
          });
        },
      );
      req.on('timeout', () => {
        t.timeouts++;
        req.destroy(new Error('timeout'));
      });
      req.on('error', (err) => {
        if (!t.firstError) t.firstError = String(err.message);
        if (err.message !== 'timeout') t.errors++;
        if (++done === total) resolve();
      });
      req.end(b.body);
    };
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * gap <= now) {
        fire(start + sent * gap, build(startSeq + sent));
        sent++;
      }
      if (sent < total) setTimeout(tick, Math.max(0, start + sent * gap - performance.now() - 0.5));
    };
    setTimeout(tick, 20);
  });
  agent.destroy();
  return { result: finish(spec, t, (last - start) / 1000, total), acked: t.acked };
}

const spec = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LoadSpecWithMode;
const run = (d: number, seq: number) => (spec.rate ? open(spec, spec.mode, d, spec.rate, seq) : closed(spec, spec.mode, d));
if (spec.warmupS) await run(spec.warmupS, 1_000_000_000);
const { result, acked } = await run(spec.durationS, 1);
if (spec.mode.kind === 'kombo') writeFileSync(spec.mode.ackFile, acked.join('\n') + (acked.length ? '\n' : ''));
process.stdout.write(JSON.stringify(result) + '\n');
