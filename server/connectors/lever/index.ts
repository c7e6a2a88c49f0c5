// The Lever connector (Equip-style stage trigger, contracts/ats-native.md §2): OAuth connect, posting ↔
// package mapping with a posting tag, candidateStageChange → order, candidateHired → outcome, and results
// written back as feedback (Rating) plus a note.
import { registerConnector } from '../index.ts';
import type { CheckFinding, Connector } from '../types.ts';
import { LeverClient } from './client.ts';
import { feedbackTemplate, performAsUser, type Stage } from './lookups.ts';
import { accessToken, redirectUri, refreshExpiring, startAuthorization } from './oauth.ts';
import { leverPartnerRoutes } from './routes.ts';
import { leverSettings, PROVIDER, SETTINGS, validateLeverSettings } from './settings.ts';
import { NOTE_JOB, runNote, runStageChange } from './stage-change.ts';
import { leverWebhook, STAGE_CHANGE_JOB } from './webhook.ts';
import { leverWriteBack } from './write-back.ts';

export const leverConnector: Connector = {
  provider: PROVIDER,
  settings: SETTINGS,
  validateSettings: validateLeverSettings,
  webhook: leverWebhook,
  partnerRoutes: leverPartnerRoutes,
  writeBack: leverWriteBack,
  jobs: { [STAGE_CHANGE_JOB]: runStageChange, [NOTE_JOB]: runNote },

  /** A new connection waits for the customer's consent in Lever: pending, with the authorize URL to open. */
  async onConnected(svc, connection) {
    if (connection.status === 'active') await svc.store.connections.update(connection.account_id, connection.id, { status: 'pending' });
    const url = await startAuthorization(svc, connection);
    return {
      message: `Pending until a Lever super admin consents. Open (valid 30 minutes, once):\n${url}\nRedirect URI to register with Lever: ${redirectUri(svc)}`,
      output: { status: 'pending', authorize_url: url, redirect_uri: redirectUri(svc) },
    };
  },

  periodic: { everyMs: 60_000, run: refreshExpiring },

  async check(svc, connection) {
    const s = leverSettings(svc, connection);
    const out: CheckFinding[] = [];
    out.push(
      s.signatureTokens.length
        ? { ok: true, check: 'signature_token', message: 'Webhooks are verified with the signature token.' }
        : { ok: false, check: 'signature_token', message: 'No signature token: every webhook is refused.', fix: 'Copy the token Lever shows for the webhook and run `assay lever:set <id> --set signature_token=…`.' },
    );
    if (connection.status !== 'active') {
      out.push({ ok: false, check: 'oauth', message: `The connection is ${connection.status}.`, fix: connection.status === 'pending' ? `Run \`assay lever:authorize ${connection.id}\` and consent in Lever.` : 'Add a new connection.' });
      return out;
    }
    const client = new LeverClient(svc, connection);
    const attempt = async (check: string, fn: () => Promise<string>, fix: string) => {
      try {
        out.push({ ok: true, check, message: await fn() });
      } catch (err) {
        out.push({ ok: false, check, message: (err as Error).message, fix });
      }
    };
    await attempt('oauth', async () => (await accessToken(svc, connection), 'Lever accepts our tokens.'), `Run \`assay lever:authorize ${connection.id}\`.`);
    await attempt(
      'trigger_stage',
      async () => {
        const stages = await client.list<Stage>('/stages');
        if (!stages.some((x) => x.text.trim().toLowerCase() === s.triggerStage.trim().toLowerCase())) throw new Error(`Lever has no stage named "${s.triggerStage}".`);
        return `Moving a candidate to "${s.triggerStage}" sends the mapped assessment.`;
      },
      'Create the stage in Lever or set trigger_stage to an existing stage name.',
    );
    await attempt('perform_as', async () => `Assay writes as Lever user ${await performAsUser(client)}.`, 'Set perform_as to a Lever user id or e-mail.');
    await attempt('feedback_template', async () => `Results use the feedback template "${(await feedbackTemplate(client)).text}".`, 'Create a feedback template (it always has the Rating question).');
    return out;
  },
};

registerConnector(leverConnector);
