// The one webhook opening (routes/webhooks.ts) as every vendor meets it: a revoked connection answers the
// same way for all five (410 Gone, nothing stored, even when correctly signed), and a missing or wrong
// signature is refused with the one error code `invalid_signature`. The vendors' own fixture webhooks
// and signature vectors (test/fixtures) are sent over real HTTP to a real server.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { SecretBox } from '../../server/crypto/secrets.ts';
import { newId } from '../../server/ids.ts';
import { openServerStore } from '../helpers/test-store.ts';
import { countRows } from '../helpers/db.ts';
import { FIXTURES_DIR } from '../helpers/fixtures.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

interface Vector { vendor: string; file: string; secret: string; header?: string; value?: string; value_base64url?: string; extra_headers?: Record<string, string> }
const vectors = JSON.parse(readFileSync(join(FIXTURES_DIR, 'signatures.json'), 'utf8')) as Vector[];
const VENDORS = ['kombo', 'stackone', 'greenhouse', 'lever', 'recruitee'] as const;
type Vendor = (typeof VENDORS)[number];
const TABLES = ['orders', 'candidates', 'outbox', 'inbox'];

/** Each vendor's connection settings holding the fixture's signing secret. */
const SETTINGS: Record<Vendor, (secret: string) => { config: Record<string, string>; secrets: Record<string, string> }> = {
  kombo: (s) => ({ config: { integration_id: 'kombo-fixture', signature_encoding: 'base64url' }, secrets: { api_key: 'k', webhook_secret: s } }),
  stackone: (s) => ({ config: { account_id: 'so-fixture' }, secrets: { api_key: 'k', webhook_secret: s } }),
  greenhouse: (s) => ({ config: {}, secrets: { partner_api_key: 'gh-partner-key', webhook_secret: s } }),
  lever: (s) => ({ config: { client_id: 'lever-client' }, secrets: { client_secret: 'c', signature_token: s } }),
  recruitee: (s) => ({ config: { codename: 'assay' }, secrets: { customer_token: 't', partner_secret: 'p', webhook_secret: s } }),
};

let srv: RunningServer;
const connections: Record<string, Record<Vendor, string>> = { active: {} as Record<Vendor, string>, revoked: {} as Record<Vendor, string> };

const vector = (v: Vendor) => vectors.find((x) => x.vendor === v)!;
const fixture = (v: Vendor) => readFileSync(join(FIXTURES_DIR, vector(v).file), 'utf8');
/** The fixture as the vendor signs it: its headers (Lever signs inside the body). */
function signedHeaders(v: Vendor): Record<string, string> {
  const vec = vector(v);
  if (!vec.header) return {};
  return { [vec.header]: vec.value ?? vec.value_base64url!, ...(vec.extra_headers ?? {}) };
}
const post = (v: Vendor, state: 'active' | 'revoked', body: string, headers: Record<string, string>) =>
  fetch(`${srv.url}/webhooks/${v}/${connections[state]![v]}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

beforeAll(async () => {
  srv = await startServer();
  const box = new SecretBox(loadConfig({ ...srv.storeEnv }).masterKey);
  const store = await openServerStore(srv.storeEnv);
  try {
    for (const state of ['active', 'revoked'] as const) {
      for (const v of VENDORS) {
        const id = newId('con');
        const s = SETTINGS[v](vector(v).secret);
        await store.connections.create({ id, account_id: srv.demo.account_id, provider: v, status: state, config: s.config, secrets_enc: box.sealJson(s.secrets) });
        connections[state]![v] = id;
      }
    }
  } finally {
    await store.close();
  }
});
afterAll(async () => srv?.stop());

describe('one webhook opening for every vendor', () => {
  it('a revoked connection answers 410 connection_revoked for every vendor, even correctly signed, and stores nothing', async () => {
    const before = countRows(srv, TABLES);
    const answers: Record<string, unknown> = {};
    for (const v of VENDORS) {
      const r = await post(v, 'revoked', fixture(v), signedHeaders(v));
      answers[v] = { status: r.status, code: ((await r.json()) as { error?: { code?: string } }).error?.code };
    }
    expect(answers).toEqual(Object.fromEntries(VENDORS.map((v) => [v, { status: 410, code: 'connection_revoked' }])));
    expect(countRows(srv, TABLES)).toEqual(before);
  });

  it('a missing or wrong signature is 401 invalid_signature for every vendor, and stores nothing', async () => {
    const before = countRows(srv, TABLES);
    const answers: Record<string, unknown> = {};
    for (const v of VENDORS) {
      let body = fixture(v);
      let headers = signedHeaders(v);
      if (v === 'lever') {
        const forged = JSON.parse(body) as Record<string, unknown>;
        const unsigned = { ...forged };
        delete unsigned.signature;
        answers[`${v} missing`] = await codeOf(post(v, 'active', JSON.stringify(unsigned), {}));
        // Lever signs inside the body: a signature that does not match token + triggeredAt.
        body = JSON.stringify({ ...forged, signature: '0'.repeat(64) });
      } else {
        const without = Object.fromEntries(Object.entries(headers).filter(([k]) => k !== vector(v).header));
        answers[`${v} missing`] = await codeOf(post(v, 'active', body, without));
        headers = { ...headers, [vector(v).header!]: v === 'greenhouse' ? `sha256 ${'0'.repeat(64)}` : 'AAAA'.repeat(11) };
      }
      answers[`${v} wrong`] = await codeOf(post(v, 'active', body, headers));
    }
    const expected = Object.fromEntries(VENDORS.flatMap((v) => [[`${v} missing`, { status: 401, code: 'invalid_signature' }], [`${v} wrong`, { status: 401, code: 'invalid_signature' }]]));
    expect(answers).toEqual(expected);
    expect(countRows(srv, TABLES)).toEqual(before);
  });
});

async function codeOf(res: Promise<Response>): Promise<{ status: number; code: string | undefined }> {
  const r = await res;
  return { status: r.status, code: ((await r.json()) as { error?: { code?: string } }).error?.code };
}
