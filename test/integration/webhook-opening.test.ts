// The one webhook opening (routes/webhooks.ts) as every vendor meets it: a revoked connection answers the
// same way for all five (410 Gone, nothing stored, even when correctly signed), a missing or wrong
// signature is refused with the one error code `invalid_signature`, and an exact re-delivery of a signed
// event is answered as the first was and changes nothing (no second order, no second e-mail job). The
// vendors' own fixture webhooks and signature vectors (test/fixtures) are sent over real HTTP to a real server.
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
import { greenhouseSignature } from '../simulators/greenhouse/encoding.ts';
import { signKomboWebhook } from '../simulators/kombo/sim.ts';
import { leverSignature } from '../simulators/lever/signing.ts';
import { signRecruiteeWebhook } from '../simulators/recruitee/sim.ts';
import { signStackOneWebhook } from '../simulators/stackone/sim.ts';

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
  // base_url: a closed local port, so the stage-change job never reaches the real Lever.
  lever: (s) => ({ config: { client_id: 'lever-client', base_url: 'http://127.0.0.1:9/v1', auth_url: 'http://127.0.0.1:9' }, secrets: { client_secret: 'c', signature_token: s } }),
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
        await store.transaction((tx) => tx.connections.create({ id, account_id: srv.demo.account_id, provider: v, status: state, config: s.config, secrets_enc: box.sealJson(s.secrets) }));
        connections[state]![v] = id;
      }
    }
    // The Greenhouse stage that orders a package, for the stage change replayed below.
    await store.transaction((tx) => tx.mappings.set({ connection_id: connections.active!.greenhouse, kind: 'stage', external_id: '4004', package_id: 'numerical-reasoning' }));
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

  it('a missing or wrong signature is 401 invalid_signature for every vendor, each saying it in its own sentence, and stores nothing', async () => {
    const before = countRows(srv, TABLES);
    const answers: Record<string, unknown> = {};
    for (const v of VENDORS) {
      let body = fixture(v);
      let headers = signedHeaders(v);
      if (v === 'lever') {
        const forged = JSON.parse(body) as Record<string, unknown>;
        const unsigned = { ...forged };
        delete unsigned.signature;
        answers[`${v} missing`] = await errorOf(post(v, 'active', JSON.stringify(unsigned), {}));
        // Lever signs inside the body: a signature that does not match token + triggeredAt.
        body = JSON.stringify({ ...forged, signature: '0'.repeat(64) });
      } else {
        const without = Object.fromEntries(Object.entries(headers).filter(([k]) => k !== vector(v).header));
        answers[`${v} missing`] = await errorOf(post(v, 'active', body, without));
        headers = { ...headers, [vector(v).header!]: v === 'greenhouse' ? `sha256 ${'0'.repeat(64)}` : 'AAAA'.repeat(11) };
      }
      answers[`${v} wrong`] = await errorOf(post(v, 'active', body, headers));
    }
    // Each vendor's refusal names its own header (or Lever's body field), as the recruiter reads it in the vendor's delivery log.
    const sentences: Record<Vendor, [missing: string, wrong: string]> = {
      kombo: ['The X-Kombo-Signature header is missing or does not match this body.', 'The X-Kombo-Signature header is missing or does not match this body.'],
      stackone: ['The x-stackone-signature header is missing.', 'The x-stackone-signature does not match the body; check the webhook signing secret.'],
      greenhouse: ['The Signature header is not "sha256 <hex HMAC-SHA256 of the raw body>" with this connection\'s secret.', 'The Signature header is not "sha256 <hex HMAC-SHA256 of the raw body>" with this connection\'s secret.'],
      lever: ['The webhook carries no signature; generate a signature token for it in Lever.', "The webhook signature does not match this connection's signature token."],
      recruitee: ['The X-Recruitee-Signature header is missing.', "The X-Recruitee-Signature does not match the body; check the webhook's secret."],
    };
    const expected = Object.fromEntries(
      VENDORS.flatMap((v) => [[`${v} missing`, { status: 401, code: 'invalid_signature', message: sentences[v][0] }], [`${v} wrong`, { status: 401, code: 'invalid_signature', message: sentences[v][1] }]]),
    );
    expect(answers).toEqual(expected);
    expect(countRows(srv, TABLES)).toEqual(before);
  });
});

/** A signed event of each vendor that makes something happen (an order and its invitation, or a queued job), signed as that vendor signs. */
function replayable(v: Vendor): { body: string; headers: Record<string, string> } {
  const secret = vector(v).secret;
  const candidate = { first_name: 'Rea', last_name: 'Play', email: 'rea.play@example.com' };
  switch (v) {
    case 'kombo': {
      const body = JSON.stringify({ id: 'evt-replay-1', type: 'assessment:order-received', data: { id: 'ko-replay-1', package_id: 'numerical-reasoning', status: 'OPEN', candidate: { remote_id: 'k-cand-1', ...candidate }, application: { remote_id: 'k-app-1' }, job: { remote_id: 'k-job-1', name: 'Analyst' } } });
      return { body, headers: { 'X-Kombo-Signature': signKomboWebhook(body, secret, 'base64url') } };
    }
    case 'stackone': {
      const body = JSON.stringify({ event: 'ats_assessments.created', account_id: 'so-fixture', record_id: 'so-replay-1', event_data: { id: 'so-replay-1', package: { id: 'numerical-reasoning' }, candidate: { id: 's-cand-1', first_name: 'Rea', last_name: 'Play', emails: [{ type: 'personal', value: candidate.email }] } } });
      return { body, headers: { 'x-stackone-signature': signStackOneWebhook(body, secret) } };
    }
    case 'greenhouse': {
      // No last_activity_at: only the signed bytes tell this delivery from another.
      const body = JSON.stringify({ action: 'candidate_stage_change', payload: { application: { id: 5005, status: 'active', current_stage: { id: 4004, name: 'Assay' }, candidate: { id: 6006, first_name: 'Rea', last_name: 'Play', email_addresses: [{ value: candidate.email, type: 'personal' }] }, jobs: [{ id: 7007, name: 'Analyst' }] } } });
      return { body, headers: { Signature: greenhouseSignature(secret, body), 'Greenhouse-Event-ID': 'replay-original' } };
    }
    case 'lever': {
      const triggeredAt = Date.now();
      const token = 'lever-replay-token-1';
      const body = JSON.stringify({ triggeredAt, event: 'candidateStageChange', token, signature: leverSignature(secret, token, triggeredAt), data: { opportunityId: 'opp-replay-1', toStageId: 'stage-1', fromStageId: 'stage-0' } });
      return { body, headers: {} };
    }
    case 'recruitee': {
      const body = JSON.stringify({ event_type: 'candidate_moved', event_subtype: 'disqualified', payload: { candidate: { id: 8008 } } });
      return { body, headers: { 'X-Recruitee-Signature': signRecruiteeWebhook(body, secret) } };
    }
  }
}

/** What a first delivery leaves behind, per vendor (rows it adds), so the test shows it did something. */
const FIRST_ADDS: Record<Vendor, Partial<Record<(typeof REPLAY_TABLES)[number], number>>> = {
  kombo: { orders: 1, inbox: 1 },
  stackone: { orders: 1, inbox: 2 },
  greenhouse: { orders: 1, inbox: 1 },
  lever: { orders: 0, inbox: 1 },
  recruitee: { orders: 0, inbox: 1 },
};
const REPLAY_TABLES = ['orders', 'candidates', 'outbox', 'inbox', 'audit_log'] as const;

describe('a re-delivery, for every vendor', () => {
  for (const v of VENDORS) {
    it(`${v}: the exact same signed delivery again is answered as the first was (marked duplicate) and changes nothing`, async () => {
      const { body, headers } = replayable(v);
      const before = countRows(srv, [...REPLAY_TABLES]);
      const first = await post(v, 'active', body, headers);
      const firstBody = (await first.json()) as Record<string, unknown>;
      expect(first.status, JSON.stringify(firstBody)).toBe(200);
      const afterFirst = countRows(srv, [...REPLAY_TABLES]);
      for (const [table, n] of Object.entries(FIRST_ADDS[v])) expect(afterFirst[table]! - before[table]!, table).toBe(n);
      // The first delivery queued its work (the invitation e-mail, or Lever's stage-change job).
      if (v !== 'recruitee') expect(afterFirst.outbox).toBeGreaterThan(before.outbox!);

      // Greenhouse does not sign its Greenhouse-Event-ID header: a replayer may change it, and it changes nothing.
      const again = await post(v, 'active', body, v === 'greenhouse' ? { ...headers, 'Greenhouse-Event-ID': 'replay-new-id' } : headers);
      expect(again.status).toBe(first.status);
      expect(await again.json()).toEqual({ ...firstBody, duplicate: true });
      expect(countRows(srv, [...REPLAY_TABLES])).toEqual(afterFirst);
    });
  }
});

async function errorOf(res: Promise<Response>): Promise<{ status: number; code: string | undefined; message: string | undefined }> {
  const r = await res;
  const { error } = (await r.json()) as { error?: { code?: string; message?: string } };
  return { status: r.status, code: error?.code, message: error?.message };
}
