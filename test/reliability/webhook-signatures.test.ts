// Webhook signatures across every vendor, with the vendors' own fixture webhooks (test/fixtures): the
// genuine delivery passes the signature check, and the same delivery signed with the wrong secret, with one
// byte changed, with its signature missing, or (Lever, which signs a timestamp) replayed outside our 5-minute
// window is refused with 401 and stores nothing.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows } from '../helpers/db.ts';
import { FIXTURES_DIR } from '../helpers/fixtures.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { startSimulator as startGreenhouse } from '../simulators/greenhouse/index.ts';
import { startSimulator as startKombo } from '../simulators/kombo/index.ts';
import { startSimulator as startLever } from '../simulators/lever/index.ts';
import { startSimulator as startRecruitee } from '../simulators/recruitee/index.ts';
import { startSimulator as startStackOne } from '../simulators/stackone/index.ts';
import { addConnection } from '../integration/stackone-recruitee-helpers.ts';
import { writeFigures } from './figures.ts';

const TABLES = ['orders', 'candidates', 'outbox', 'idempotency_keys', 'results', 'answers', 'inbox', 'test_sessions'];
type Vector = { vendor: string; file: string; secret: string; header?: string; value?: string; value_base64url?: string; extra_headers?: Record<string, string> };
const vectors = JSON.parse(readFileSync(join(FIXTURES_DIR, 'signatures.json'), 'utf8')) as Vector[];
const vector = (vendor: string) => vectors.find((v) => v.vendor === vendor)!;
const fixture = (vendor: string) => readFileSync(join(FIXTURES_DIR, vector(vendor).file), 'utf8');
const hmac = (secret: string, data: string, enc: 'hex' | 'base64url') => createHmac('sha256', secret).update(data).digest(enc);

/** One byte of the body changed (inside a string value, so the JSON stays valid and only the MAC can tell). */
function oneByteChanged(raw: string): string {
  const i = raw.indexOf('"', raw.indexOf(':') + 1) + 1; // first character of the first string value
  const ch = raw[i] === 'a' ? 'b' : 'a';
  return raw.slice(0, i) + ch + raw.slice(i + 1);
}

interface Delivery {
  raw: string;
  headers: Record<string, string>;
}
interface Vendor {
  provider: string;
  url: string;
  /** The genuine delivery, signed as the vendor signs it. */
  genuine(): Delivery;
  /** The refused variants, by name. */
  forged(): Record<string, Delivery>;
}

let server: RunningServer;
const sims: { close(): Promise<void> }[] = [];
const vendors: Vendor[] = [];
const figures: Record<string, Record<string, number>> = {};
let refusedTotal = 0;

/** Body-signing vendors: HMAC-SHA256 over the raw body in a header. */
function bodySigned(provider: string, url: string, header: string, sign: (secret: string, raw: string) => string, extra: Record<string, string> = {}): Vendor {
  const v = vector(provider);
  const raw = fixture(provider);
  const h = (value: string) => ({ 'content-type': 'application/json', ...extra, [header]: value });
  return {
    provider,
    url,
    genuine: () => ({ raw, headers: h(sign(v.secret, raw)) }),
    forged: () => ({
      'wrong secret': { raw, headers: h(sign('not-the-right-secret', raw)) },
      'one byte changed': { raw: oneByteChanged(raw), headers: h(sign(v.secret, raw)) },
      'signature header missing': { raw, headers: { 'content-type': 'application/json', ...extra } },
      'signature of another body': { raw, headers: h(sign(v.secret, raw + ' ')) },
    }),
  };
}

beforeAll(async () => {
  const kombo = await startKombo({ integrationId: JSON.parse(fixture('kombo')).data.integration_id });
  const [so, rc, gh, lv] = await Promise.all([startStackOne({}), startRecruitee({}), startGreenhouse({}), startLever({ signatureToken: vector('lever').secret })]);
  sims.push(kombo, so, rc, gh, lv);
  server = await startServer({ env: { KOMBO_RECONCILE_MS: '3600000' } });
  const hook = (p: string, id: string) => `${server.url}/webhooks/${p}/${id}`;

  const k = kombo.credentials;
  const kid = await addConnection(server, 'kombo', { api_key: k.api_key, integration_id: k.integration_id, webhook_secret: vector('kombo').secret, base_url: k.base_url });
  vendors.push(bodySigned('kombo', hook('kombo', kid), 'x-kombo-signature', (s, raw) => hmac(s, raw, 'base64url')));

  const s = so.credentials;
  const sid = await addConnection(server, 'stackone', { api_key: s.api_key, account_id: s.account_id, webhook_secret: vector('stackone').secret, base_url: s.base_url, partner_api_key: 'partner-key-0123456789', codename: 'assay-demo' });
  vendors.push(bodySigned('stackone', hook('stackone', sid), 'x-stackone-signature', (sec, raw) => hmac(sec, raw, 'base64url')));

  const r = rc.credentials;
  const rid = await addConnection(server, 'recruitee', { customer_token: r.customer_token, partner_secret: r.partner_secret, codename: r.codename, webhook_secret: vector('recruitee').secret, company_id: r.company_id, base_url: r.base_url });
  vendors.push(bodySigned('recruitee', hook('recruitee', rid), 'x-recruitee-signature', (sec, raw) => hmac(sec, raw, 'hex')));

  const gid = await addConnection(server, 'greenhouse', { partner_api_key: 'gh-partner-key-0123456789abcdef', webhook_secret: vector('greenhouse').secret, harvest_api_key: 'gh-harvest-key', base_url: gh.baseUrl });
  vendors.push(bodySigned('greenhouse', hook('greenhouse', gid), 'signature', (sec, raw) => `sha256 ${hmac(sec, raw, 'hex')}`, vector('greenhouse').extra_headers));

  // Lever signs token + triggeredAt, in the body; the fixture was signed days ago, so it is itself a replay.
  const l = lv.credentials;
  const lid = await addConnection(server, 'lever', { client_id: l.client_id, client_secret: l.client_secret, signature_token: vector('lever').secret, perform_as: l.perform_as, base_url: l.base_url, auth_url: l.auth_url });
  const lever = JSON.parse(fixture('lever')) as { triggeredAt: number; token: string; signature?: string };
  const token = vector('lever').secret;
  const signedAt = (at: number, o: Partial<typeof lever> = {}, secret = token) => {
    const b = { ...lever, triggeredAt: at, ...o };
    return JSON.stringify({ ...b, signature: hmac(secret, `${b.token}${b.triggeredAt}`, 'hex') });
  };
  const json = { 'content-type': 'application/json' };
  vendors.push({
    provider: 'lever',
    url: hook('lever', lid),
    genuine: () => ({ raw: signedAt(Date.now()), headers: json }),
    forged: () => {
      const now = Date.now();
      const fresh = JSON.parse(signedAt(now));
      const { signature: _s, ...unsigned } = fresh;
      return {
        'wrong secret': { raw: signedAt(now, {}, 'not-the-right-token'), headers: json },
        'one byte changed (token)': { raw: JSON.stringify({ ...fresh, token: oneByteChanged(JSON.stringify(fresh.token)).slice(1, -1) }), headers: json },
        'one byte changed (triggeredAt)': { raw: JSON.stringify({ ...fresh, triggeredAt: fresh.triggeredAt + 1 }), headers: json },
        'signature missing': { raw: JSON.stringify(unsigned), headers: json },
        'replayed: the fixture as Lever sent it, days ago': { raw: fixture('lever'), headers: json },
        'replayed: signed 4 days ago': { raw: signedAt(now - 4 * 86_400_000, { token: `${lever.token.slice(0, -4)}old1` }), headers: json },
        'signed 6 minutes in the future': { raw: signedAt(now + 6 * 60_000, { token: `${lever.token.slice(0, -4)}fut1` }), headers: json },
      };
    },
  });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await Promise.all(sims.map((s) => s.close()));
  writeFigures('webhook-signatures', { vendors: Object.keys(figures).length, forged_deliveries: refusedTotal, refused_401: refusedTotal, per_vendor: figures }, refusedTotal > 0 && Object.keys(figures).length === 5);
});

const post = (url: string, d: Delivery) => fetch(url, { method: 'POST', headers: d.headers, body: d.raw });

describe('webhook signatures, every vendor', () => {
  for (const provider of ['kombo', 'stackone', 'recruitee', 'greenhouse', 'lever']) {
    it(`${provider}: refuses forged, tampered, unsigned and replayed deliveries with 401 and stores nothing; the genuine one passes`, async () => {
      const v = vendors.find((x) => x.provider === provider)!;
      const before = countRows(server, TABLES);
      const refused: Record<string, number> = {};
      for (const [name, d] of Object.entries(v.forged())) {
        const res = await post(v.url, d);
        const body = (await res.json()) as { error?: { code?: string } };
        expect(res.status, `${provider} ${name}: ${JSON.stringify(body)}`).toBe(401);
        expect(body.error?.code, `${provider} ${name}`).toMatch(/signature|stale/);
        refused[name] = res.status;
        expect(countRows(server, TABLES), `${provider} ${name}`).toEqual(before);
      }
      // The control: the genuine delivery is not refused for its signature (so the refusals above are the MAC's doing).
      const ok = await post(v.url, v.genuine());
      const okBody = await ok.text();
      expect(ok.status, `${provider} genuine: ${okBody}`).not.toBe(401);
      expect(ok.status, `${provider} genuine: ${okBody}`).toBeLessThan(500);
      figures[provider] = { forged: Object.keys(refused).length, refused_401: Object.values(refused).filter((s) => s === 401).length, genuine_status: ok.status };
      refusedTotal += Object.keys(refused).length;
    });
  }
});
