// Configuration is read only in server/config.ts: the connectors' timings and the provider's Kombo environment
// come from readConnectorConfig, and no other server file reads process.env.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConnectorConfig } from '../../server/config.ts';
import { ROOT } from '../helpers/server.ts';

describe('connector configuration', () => {
  it('has the documented defaults when nothing is set', () => {
    expect(readConnectorConfig({})).toEqual({
      komboTimeoutMs: 15_000,
      komboReconcileMs: 300_000,
      komboEnvironment: {},
      leverBackoffMs: 1000,
      leverRatePerSecond: 8,
      leverBurst: 10,
      greenhouseSyncMs: 900_000,
    });
  });

  it('reads each variable, ignores empty or unusable values, and keeps the reconcile interval at 200 ms or more', () => {
    const c = readConnectorConfig({
      KOMBO_TIMEOUT_MS: '2500',
      KOMBO_RECONCILE_MS: '5',
      KOMBO_API_KEY: 'key-123456',
      KOMBO_REGION: 'us',
      KOMBO_BASE_URL: '',
      ASSAY_LEVER_BACKOFF_MS: 'soon',
      ASSAY_LEVER_RATE_PER_SECOND: '100',
      ASSAY_LEVER_BURST: '2.7',
      ASSAY_GREENHOUSE_SYNC_MS: '-1',
    });
    expect(c).toEqual({
      komboTimeoutMs: 2500,
      komboReconcileMs: 200,
      komboEnvironment: { api_key: 'key-123456', region: 'us' },
      leverBackoffMs: 1000,
      leverRatePerSecond: 100,
      leverBurst: 2,
      greenhouseSyncMs: 900_000,
    });
  });

  it('no server file but config.ts reads process.env', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name));
        else if (e.name.endsWith('.ts')) files.push(join(dir, e.name));
      }
    };
    walk(join(ROOT, 'server'));
    const readers = files.filter((f) => readFileSync(f, 'utf8').includes('process.env')).map((f) => relative(ROOT, f));
    expect(readers).toEqual(['server/config.ts']);
  });
});
