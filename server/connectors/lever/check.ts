// `assay connections:check` for Lever: the signature token, our OAuth tokens, the trigger stage, the user we
// write as and the feedback template, each tried against Lever as the connector will use it.
import type { Services } from '../../services.ts';
import type { ConnectionRow } from '../../store/types.ts';
import type { CheckFinding, Connector } from '../types.ts';
import { accessToken, feedbackTemplate, LeverClient, performAsUser, type Stage } from './client.ts';
import { leverSettings } from './settings.ts';

export async function check(svc: Services, connection: ConnectionRow): Promise<CheckFinding[]> {
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
}

/** Lever's setup is the OAuth consent (connections:add prints the authorize URL) and its webhook form; connections:check covers both. */
export const vendorSetup: Connector['vendorSetup'] = undefined;
