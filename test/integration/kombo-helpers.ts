import { assay } from '../helpers/cli.ts';
// Shared arrangements of the Kombo integration tests: a real server, the Kombo simulator, a connection
// made with the CLI, and a candidate who takes the test through the candidate API.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, type RunningServer } from '../helpers/server.ts';
import type { KomboSimHandle } from '../simulators/kombo/index.ts';

export { inviteToken, mails, packageContent, takeTest, until } from '../helpers/candidate.ts';


/**
 * `assay <args>` without blocking this process: the simulator lives in the test process, so a
 * synchronous spawn would stop it from answering the CLI's own calls to Kombo.
 */
export const assayAsync = assay;

/** `assay connections:add` for the demo account (or another), as an operator would. */
export async function addKomboConnection(server: RunningServer, kombo: KomboSimHandle, opts: { account?: string; extra?: string[] } = {}) {
  const c = kombo.credentials;
  const r = await assayAsync(
    ['connections:add', '--account', opts.account ?? server.demo.account_id, '--provider', 'kombo', '--set', `api_key=${c.api_key}`, '--set', `integration_id=${c.integration_id}`, '--set', `webhook_secret=${c.webhook_secret}`, '--set', `base_url=${c.base_url}`, ...(opts.extra ?? []), '--json'],
    { ...server.storeEnv },
  );
  if (r.code !== 0) throw new Error(`connections:add failed: ${r.stderr}`);
  const id = r.json.connection_id as string;
  return { id, webhookUrl: `${server.url}/webhooks/kombo/${id}`, json: r.json };
}




