// The load generator, always its own process (so it never shares an event loop with the server or the
// runner): autocannon's API with per-request set-up. Reads a JSON LoadSpec from the file in argv[2],
// prints one JSON LoadResult line on stdout.
import { createHmac } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
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
  /** Requests per second over all connections (open-ish loop); absent = as fast as possible. */
  overallRate?: number;
  /** Also return every 2xx latency (ms, 0.01 resolution), to pool several runs. */
  samples?: boolean;
  mode: LoadMode;
}

export interface LoadResult {
  durationS: number;
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

function pct(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

async function once(spec: LoadSpec, durationS: number, measure: boolean): Promise<LoadResult> {
  const mode = spec.mode;
  const samples: number[] = [];
  const acked: string[] = [];
  let seq = 0;
  let firstError: string | undefined;
  const opts: autocannon.Options = {
    url: spec.url,
    connections: spec.connections,
    duration: durationS,
    pipelining: 1,
    timeout: 10,
    ...(spec.overallRate ? { overallRate: spec.overallRate, ignoreCoordinatedOmission: true } : {}),
  };
  if (mode.kind === 'plain') {
    opts.requests = [{ method: mode.method ?? 'GET', path: mode.path, headers: mode.headers, body: mode.body }];
  } else if (mode.kind === 'session') {
    const body = JSON.stringify({ context: mode.context });
    opts.requests = [
      {
        method: 'POST',
        path: mode.path,
        setupRequest: (req: any) => ({ ...req, body, headers: { 'content-type': 'application/json' } }),
      },
    ];
  } else {
    const t = mode.template;
    opts.requests = [
      {
        method: 'POST',
        path: mode.path,
        setupRequest: (req: any, context: any) => {
          const n = ++seq;
          const id = `${mode.idPrefix}${n.toString(36).padStart(6, '0')}`;
          const payload = {
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
          };
          const body = JSON.stringify(payload);
          context.orderId = id;
          const sig = createHmac('sha256', mode.secret).update(body).digest('base64url');
          return { ...req, body, headers: { 'content-type': 'application/json', 'x-kombo-signature': sig } };
        },
        onResponse: (status: number, _body: string, context: any) => {
          if (status >= 200 && status < 300) acked.push(context.orderId);
        },
      },
    ];
  }
  // The first refusal's body, for the report (every mode).
  for (const r of opts.requests ?? []) {
    const own = r.onResponse;
    r.onResponse = (status, body, context) => {
      if ((status < 200 || status >= 300) && !firstError) firstError = `${status} ${String(body).slice(0, 300)}`;
      own?.(status, body, context);
    };
  }
  const instance = autocannon(opts);
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status >= 200 && status < 300) samples.push(ms);
  });
  instance.on('reqError', (err: Error) => {
    if (!firstError) firstError = String(err?.message ?? err);
  });
  const r = await new Promise<autocannon.Result>((resolve, reject) => {
    instance.on('done', resolve);
    instance.on('error', reject);
  });
  if (measure && mode.kind === 'kombo') writeFileSync(mode.ackFile, acked.join('\n') + (acked.length ? '\n' : ''));
  const sorted = Float64Array.from(samples).sort();
  const codes: Record<string, number> = {};
  for (const [code, v] of Object.entries((r as any).statusCodeStats ?? {})) codes[code] = (v as { count: number }).count;
  const ok = sorted.length;
  return {
    durationS: r.duration,
    total: ok + r.non2xx,
    ok,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    rps: ok / r.duration,
    p50: pct(sorted, 50),
    p90: pct(sorted, 90),
    p99: pct(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : NaN,
    statusCodes: codes,
    ...(firstError ? { firstError } : {}),
    ...(spec.samples ? { samples: Array.from(sorted, (x) => Math.round(x * 100) / 100) } : {}),
  };
}

const spec = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LoadSpec;
if (spec.warmupS) await once(spec, spec.warmupS, false);
const result = await once(spec, spec.durationS, true);
process.stdout.write(JSON.stringify(result) + '\n');
