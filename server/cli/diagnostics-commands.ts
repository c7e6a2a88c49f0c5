// connections:show (what to paste into the vendor's forms) and connections:check (each configured piece, what is
// wrong and how to fix it), generic over every connector's `vendorSetup` and `check`.
import { UsageError } from '../errors.ts';
import type { CheckFinding, VendorSetupSection } from '../connectors/types.ts';
import { connectionCommand, describeConnection } from './connection-commands.ts';
import type { Command } from './main.ts';

function formatSetup(sections: VendorSetupSection[]): string {
  return sections
    .map((s) => {
      const width = Math.max(...s.fields.map((f) => f.label.length), 8);
      const rows = s.fields.map((f) => `  ${f.label.padEnd(width)}  ${f.value ?? '(none)'}${f.note ? `\n  ${' '.repeat(width)}  (${f.note})` : ''}`);
      return `${s.title} — ${s.where}\n${rows.join('\n')}`;
    })
    .join('\n\n');
}

function formatFindings(findings: CheckFinding[]): string {
  return findings.map((f) => `${f.ok ? 'ok  ' : 'FAIL'}  ${f.check}: ${f.message}${!f.ok && f.fix ? `\n      Fix: ${f.fix}` : ''}`).join('\n');
}

export const diagnosticsCommands: Record<string, Command> = {
  'connections:show': connectionCommand({
    summary: "Show a connection and the settings to paste into the vendor's own forms (secrets only as \"set\").",
    usage: '<connection-id>',
    details: "For StackOne: the Recruitee configuration form (Package's List Endpoint URL, Package ID, Partner Codename, Name, Description, Logo) and the webhook. For Recruitee: the partner URLs and the webhook.",
    options: {},
    async run(ctx, svc, c) {
      const d = describeConnection(svc, c);
      const setup = (await svc.connectors[c.provider]?.vendorSetup?.(svc, c)) ?? [];
      const head = `${d.connection_id}  ${d.provider}  ${d.status}  account ${d.account_id}\nWebhook URL: ${d.webhook_url}\nSettings: ${
        Object.entries(d.settings).map(([k, v]) => `${k}=${String(v)}`).join(', ') || '(none)'
      }\nSecrets: ${Object.keys(d.secrets).map((k) => `${k} (set)`).join(', ') || '(none)'}`;
      ctx.out(setup.length ? `${head}\n\n${formatSetup(setup)}` : head, { ...d, vendor_setup: setup });
    },
  }),

  'connections:check': connectionCommand({
    summary: 'Check every configured piece of a connection and print what is wrong and how to fix it.',
    usage: '<connection-id>',
    details: 'Calls our own endpoints at PUBLIC_URL as the vendor would, and the vendor (or its simulator) at base_url. Exits with status 1 when a check fails.',
    options: {},
    async run(ctx, svc, c) {
      const connector = svc.connectors[c.provider];
      if (!connector?.check) throw new UsageError('no_checks', `There are no checks for ${c.provider} connections yet.`);
      const findings = await connector.check(svc, c);
      const failed = findings.filter((f) => !f.ok);
      const summary = failed.length ? `${failed.length} of ${findings.length} checks failed.` : `All ${findings.length} checks passed.`;
      ctx.out(`${c.id} (${c.provider})\n${formatFindings(findings)}\n\n${summary}`, { connection_id: c.id, provider: c.provider, ok: failed.length === 0, findings });
      if (failed.length) throw new Error(summary);
    },
  }),
};
