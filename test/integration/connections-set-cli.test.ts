// `npx assay connections:set <id> --set key=value …`, run as the operator runs it, against a real server over HTTP:
// a new StackOne webhook secret is what the server checks signatures with from then on (the old one is refused),
// secrets are never printed nor written into the audit log, and every refusal (an unknown key, a value the
// connector's rules refuse, a required setting removed, a revoked or unknown connection, another provider's
// connection for lever:set) is a usage error with its code and a sentence that changes nothing.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '../helpers/db.ts';
import type { RunningServer } from '../helpers/server.ts';
import { addConnection, assayAsync, startPublicServer } from './stackone-recruitee-helpers.ts';

const OLD_SECRET = 'old-webhook-secret-0123456789';
const NEW_SECRET = 'new-webhook-secret-9876543210';

/** A StackOne delivery as its example receiver signs it: base64url(HMAC-SHA256(secret, raw body)) in x-stackone-signature (§2.6). */
async function deliver(server: RunningServer, id: string, secret: string, body: string) {
  const sig = createHmac('sha256', secret).update(body).digest('base64url');
  const r = await fetch(`${server.url}/webhooks/stackone/${id}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-stackone-signature': sig }, body });
  return { status: r.status, body: (await r.json()) as any };
}

const settingsAudit = (server: RunningServer, id: string) =>
  query<{ actor: string; details: string }>(server, "SELECT actor, details FROM audit_log WHERE action = 'connection.settings_changed' AND target = ? ORDER BY at", id);

describe('assay connections:set', () => {
  let server: RunningServer;
  let id: string;
  const stackone = () =>
    addConnection(server, 'stackone', { api_key: 'stackone-api-key', account_id: '45355976281015164504', webhook_secret: OLD_SECRET, static_package_id: 'numerical-reasoning' });

  beforeAll(async () => {
    server = await startPublicServer();
    id = await stackone();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('changes a secret and a public setting: the server verifies webhooks with the new secret, nothing prints it', { timeout: 120_000 }, async () => {
    const event = JSON.stringify({ event: 'ats_assessments.updated', account_id: '45355976281015164504' });
    expect((await deliver(server, id, OLD_SECRET, event)).status).toBe(200);

    const r = await assayAsync(server, ['connections:set', id, '--set', `webhook_secret=${NEW_SECRET}`, '--set', 'base_url=https://api.eu.stackone.example']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ connection_id: id, provider: 'stackone', status: 'active', settings: { base_url: 'https://api.eu.stackone.example' }, secrets: { webhook_secret: 'set', api_key: 'set' } });
    expect(r.stdout).not.toContain(NEW_SECRET);

    const refused = await deliver(server, id, OLD_SECRET, event);
    expect(refused).toMatchObject({ status: 401, body: { error: { code: 'invalid_signature' } } });
    expect(await deliver(server, id, NEW_SECRET, event)).toMatchObject({ status: 200, body: { status: 'ignored' } });

    const shown = await assayAsync(server, ['connections:show', id]);
    expect(shown.json.settings.base_url).toBe('https://api.eu.stackone.example');
    // The audit names who changed which keys, never the values.
    const audit = settingsAudit(server, id);
    expect(audit.map((a) => ({ actor: a.actor, details: JSON.parse(a.details) }))).toEqual([{ actor: 'cli', details: { provider: 'stackone', keys: ['webhook_secret', 'base_url'] } }]);
    expect(JSON.stringify(audit)).not.toContain(NEW_SECRET);
  });

  it('an empty value removes a setting, unless the connection needs it', { timeout: 120_000 }, async () => {
    const cleared = await assayAsync(server, ['connections:set', id, '--set', 'base_url=']);
    expect(cleared.code, cleared.stderr).toBe(0);
    expect(cleared.json.settings).not.toHaveProperty('base_url');

    const required = await assayAsync(server, ['connections:set', id, '--set', 'api_key=']);
    expect(required.code).toBe(2);
    expect(JSON.parse(required.stderr).error).toEqual({ code: 'missing_setting', message: 'stackone needs --set api_key=….' });
  });

  it('refuses an unknown key, a value the rules refuse, and no setting at all, changing nothing', { timeout: 120_000 }, async () => {
    const before = { show: (await assayAsync(server, ['connections:show', id])).json, audit: settingsAudit(server, id).length };

    // Refusals change nothing, so they may run side by side (each CLI run starts a process).
    const [unknown, invalid, rule, none, malformed] = await Promise.all([
      assayAsync(server, ['connections:set', id, '--set', 'webhook_secret=another-secret-value', '--set', 'colour=blue']),
      assayAsync(server, ['connections:set', id, '--set', 'base_url=ftp://stackone.example']),
      // The rules across settings see the settings the connection would end up with, not only the ones named.
      assayAsync(server, ['connections:set', id, '--set', 'static_package_id=']),
      assayAsync(server, ['connections:set', id]),
      assayAsync(server, ['connections:set', id, '--set', 'base_url']),
    ]);
    for (const r of [unknown, invalid, rule, none, malformed]) expect(r.code, r.stdout).toBe(2);
    expect(JSON.parse(unknown.stderr).error).toEqual({ code: 'unknown_setting', message: expect.stringMatching(/^"colour" is not a stackone setting; use api_key, webhook_secret, /) });
    expect(JSON.parse(invalid.stderr).error).toEqual({ code: 'invalid_setting', message: 'base_url must be an http(s) URL such as https://api.stackone.com.' });
    expect(JSON.parse(rule.stderr).error).toEqual({ code: 'invalid_setting', message: expect.stringMatching(/^StackOne needs a Package's List Endpoint URL or a static Package ID/) });
    expect(JSON.parse(none.stderr).error.code).toBe('missing_option');
    expect(JSON.parse(malformed.stderr).error).toEqual({ code: 'invalid_setting', message: '--set takes key=value, not "base_url".' });

    expect((await assayAsync(server, ['connections:show', id])).json).toEqual(before.show);
    expect(settingsAudit(server, id).length).toBe(before.audit);
    expect((await deliver(server, id, NEW_SECRET, JSON.stringify({ event: 'ats_assessments.updated' }))).status).toBe(200);
  });

  it('lever:set is the same command for Lever connections only', { timeout: 120_000 }, async () => {
    const r = await assayAsync(server, ['lever:set', id, '--set', 'base_url=https://api.stackone.com']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr).error).toEqual({ code: 'not_lever', message: `${id} is a StackOne connection, not a Lever one.` });
  });

  it('refuses a revoked or unknown connection', { timeout: 120_000 }, async () => {
    const other = await stackone();
    expect((await assayAsync(server, ['connections:revoke', other])).code).toBe(0);
    const revoked = await assayAsync(server, ['connections:set', other, '--set', 'base_url=https://api.stackone.com']);
    expect(revoked.code).toBe(2);
    expect(JSON.parse(revoked.stderr).error).toEqual({ code: 'connection_revoked', message: `${other} was revoked; add a new connection instead.` });
    expect(settingsAudit(server, other)).toEqual([]);

    const unknown = await assayAsync(server, ['connections:set', 'con_doesnotexist', '--set', 'base_url=https://api.stackone.com']);
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stderr).error.code).toBe('unknown_connection');
  });
});
