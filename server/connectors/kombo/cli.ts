// Kombo's `assay` commands, which talk to Kombo now: connections:sync and connections:invite (Kombo Connect).
import * as v from 'valibot';
import { UsageError } from '../../errors.ts';
import { ConnectError, createConnectLink } from './routes.ts';
import { canPush, pushPackages, reconcile } from './sync.ts';
import { environmentSettings, PROVIDER } from './settings.ts';
import type { Command } from '../../cli/main.ts';
import { connectionCommand, describeConnection, parseSettings } from '../../cli/connection-commands.ts';

const EMAIL = v.pipe(v.string(), v.email());

const invitationMail = (company: string, toolName: string, link: string) => {
  const text = `Hello,

${company} asked us to connect your ${toolName} account so recruiters can send assessments from inside ${toolName} and see the results there.

Open this link to set up the ${toolName} integration (it is valid for one year and can be used once):
${link}

The page, run by our integration partner Kombo, asks for an API key of your ${toolName} account and guides you through creating one.

If you did not expect this e-mail, you can ignore it.`;
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  const html = `<p>Hello,</p><p>${esc(company)} asked us to connect your ${esc(toolName)} account so recruiters can send assessments from inside ${esc(toolName)} and see the results there.</p>
<p><a href="${esc(link)}">Set up the ${esc(toolName)} integration</a> (valid for one year, usable once).</p>
<p>The page, run by our integration partner Kombo, asks for an API key of your ${esc(toolName)} account and guides you through creating one.</p>
<p>If you did not expect this e-mail, you can ignore it.</p>`;
  return { subject: `Set up the ${toolName} integration for ${company}`, text, html };
};

export const cli: Record<string, Command> = {
  'connections:sync': connectionCommand({
    provider: PROVIDER,
    summary: 'Push the package list to the vendor and take in any open orders whose webhook never arrived, now.',
    usage: '<connection-id>',
    details: 'Kombo: PUT /assessment/packages with every active package, then GET /assessment/orders?statuses=OPEN page by page. The server also does this every KOMBO_RECONCILE_MS (default 5 minutes).',
    options: { connection: { type: 'string' } },
    async run(ctx, svc, c) {
      if (!canPush(c)) throw new UsageError('connection_not_ready', `${c.id} is ${c.status}${c.config.integration_id ? '' : ' and has no integration id yet (the customer has not finished Kombo Connect)'}.`);
      let pushed;
      let reconciled;
      try {
        pushed = await pushPackages(svc, c);
        reconciled = await reconcile(svc, c);
      } catch (err) {
        throw new UsageError('vendor_error', `Kombo: ${(err as Error).message}`);
      }
      ctx.out(
        `Pushed ${pushed.count} packages to Kombo${pushed.warnings.length ? ` (warnings: ${pushed.warnings.join('; ')})` : ''}.\nOpen orders in Kombo: ${reconciled.open_seen}; taken in now: ${reconciled.taken_in}; refused: ${reconciled.refused}.`,
        { connection_id: c.id, packages_pushed: pushed.count, warnings: pushed.warnings, reconcile: reconciled },
      );
    },
  }),

  'connections:invite': {
    summary: "E-mail a customer's ATS admin a Kombo Connect link that connects their ATS to an account.",
    usage: '--account <id> --provider kombo --tool <ats> --email <admin> [--no-email] [--language <xx>] [--set api_key=… --set webhook_secret=… --set base_url=…|region=eu|us]',
    details:
      'Asks Kombo for a MAGIC_LINK (category ASSESSMENT, valid a year) with the account id as end_user_origin_id, keeps a pending connection, and e-mails the link (or only prints it with --no-email). When the admin finishes, Kombo\'s integration-created webhook binds the integration to this account and the packages are pushed. Our Kombo key and secret come from KOMBO_API_KEY, KOMBO_WEBHOOK_SECRET and KOMBO_BASE_URL/KOMBO_REGION unless given with --set. Point Kombo\'s webhook at the printed webhook URL (or at any kombo connection of the same Kombo environment).',
    options: { account: { type: 'string' }, provider: { type: 'string' }, tool: { type: 'string' }, email: { type: 'string' }, 'no-email': { type: 'boolean' }, language: { type: 'string' }, set: { type: 'string', multiple: true } },
    async run(ctx) {
      const accountId = typeof ctx.args.account === 'string' ? ctx.args.account : undefined;
      const provider = typeof ctx.args.provider === 'string' ? ctx.args.provider : undefined;
      const tool = typeof ctx.args.tool === 'string' ? ctx.args.tool.trim().toLowerCase() : undefined;
      const email = typeof ctx.args.email === 'string' ? ctx.args.email.trim().toLowerCase() : undefined;
      const language = typeof ctx.args.language === 'string' ? ctx.args.language : undefined;
      if (!accountId) throw new UsageError('missing_option', '--account is required.');
      if (!provider) throw new UsageError('missing_option', '--provider is required (kombo).');
      if (provider !== PROVIDER) throw new UsageError('not_supported', `Invitations work through Kombo Connect; "${provider}" has no setup link (use connections:add).`);
      if (!tool) throw new UsageError('missing_option', '--tool is required: the ATS as Kombo names it, e.g. recruitee.');
      if (!/^[a-z0-9_]{2,50}$/.test(tool)) throw new UsageError('invalid_tool', '--tool is a Kombo tool slug such as recruitee or greenhouse.');
      if (!email) throw new UsageError('missing_option', "--email is required: the customer's ATS admin who sets it up.");
      if (!v.is(EMAIL, email)) throw new UsageError('invalid_email', `"${email}" is not an e-mail address.`);
      if (language !== undefined && !/^[a-z]{2}$/.test(language)) throw new UsageError('invalid_language', '--language is a two-letter code such as en or de.');
      const overrides = parseSettings(ctx);
      const svc = await ctx.svc();
      const account = await svc.store.accounts.get(accountId);
      if (!account) throw new UsageError('unknown_account', `There is no account "${accountId}".`);
      let created;
      try {
        created = await createConnectLink(svc, { account, env: environmentSettings(overrides), email, tool, linkType: 'MAGIC_LINK', actor: 'cli', language });
      } catch (err) {
        if (err instanceof ConnectError) throw new UsageError(err.code, err.message);
        throw new UsageError('vendor_error', `Kombo did not create the link: ${(err as Error).message}`);
      }
      const { link, connection } = created;
      const toolName = tool.charAt(0).toUpperCase() + tool.slice(1);
      let emailed = false;
      if (!ctx.args['no-email']) {
        const mail = invitationMail(account.settings.company_name ?? account.name, toolName, link);
        try {
          await svc.mailer.send({ to: email, ...mail, tag: connection.id });
          emailed = true;
        } catch (err) {
          process.stderr.write(`assay connections:invite: the e-mail was not sent (${(err as Error).message}); send the link below yourself.\n`);
        }
      }
      const d = describeConnection(svc, connection);
      ctx.out(
        `Invited ${email} to connect ${toolName} to ${account.id} (pending connection ${connection.id}).\n${emailed ? 'E-mailed the setup link:' : 'Setup link:'} ${link}\nKombo webhook URL: ${d.webhook_url}`,
        { ...d, link, emailed, tool, email },
      );
    },
  },
};
