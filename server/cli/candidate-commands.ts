import { UsageError } from '../errors.ts';
import { eraseCandidate } from '../candidates/erase-candidate.ts';
import { sweepRetention } from '../candidates/retention.ts';
import { PLAN_FEATURES, updateAccountSettings } from '../accounts/settings.ts';
import { PROVIDERS } from '../../shared/providers.ts';
import type { Command } from './main.ts';
import { str } from './connection-commands.ts';

export const candidateCommands: Record<string, Command> = {
  'candidates:erase': {
    summary: "Erase a candidate's personal data from every table and e-mail file (scores stay, anonymised).",
    usage: `--account <id> (--candidate <cand_…> | --external-id <ATS candidate id> [--source ats|${PROVIDERS.join('|')}])`,
    details: 'Open orders of the candidate are cancelled. Running it twice is harmless.',
    options: { account: { type: 'string' }, candidate: { type: 'string' }, 'external-id': { type: 'string' }, source: { type: 'string' } },
    async run(ctx) {
      const accountId = str(ctx, 'account', true)!;
      const id = str(ctx, 'candidate');
      const ext = str(ctx, 'external-id');
      if (!id === !ext) throw new UsageError('missing_option', 'Name the candidate with --candidate <cand_…> or --external-id <id> (one of them).');
      const svc = await ctx.svc();
      if (!(await svc.store.accounts.get(accountId))) throw new UsageError('unknown_account', `There is no account "${accountId}".`);
      const cand = id ? await svc.store.candidates.get(accountId, id) : await svc.store.candidates.findByExternal(accountId, str(ctx, 'source') ?? 'ats', ext!);
      if (!cand) throw new UsageError('unknown_candidate', 'There is no such candidate in that account.');
      const r = await eraseCandidate(svc, accountId, cand.id, { actor: 'cli' });
      ctx.out(
        `${r.erasedNow ? 'Erased' : 'Already erased:'} candidate ${cand.id}: ${r.orderIds.length} order(s) kept anonymised, ${r.cancelledOrderIds.length} open order(s) cancelled, ${r.mailsDeleted} e-mail file(s) deleted.`,
        { candidate_id: cand.id, erased_now: r.erasedNow, order_ids: r.orderIds, cancelled_order_ids: r.cancelledOrderIds, mails_deleted: r.mailsDeleted },
      );
    },
  },

  'accounts:update': {
    summary: "Change an account's settings: retention, invitation validity, frame origins, company name and logo, score bands, plan features.",
    usage:
      `--account <id> [--retention-days <n|0>] [--invitation-days <n>] [--frame-origin <origin> …] [--company-name <name>] [--logo-url <https url|"">] [--score-band <min-max:label> …] [--features <${PROVIDERS.join(',')}|all>]`,
    details:
      'Retention: candidates whose orders have all been finished for longer than N days have their personal data erased by the sweeper (0 turns it off). ' +
      '--frame-origin replaces the list (repeat it for each origin to keep). --score-band replaces the bands (repeat it; together they run 0 to 100). ' +
      '--features sets the connectors the plan includes (all: every one). The dashboard’s Settings page changes the same settings through the same validation; only features are the operator’s alone.',
    options: {
      account: { type: 'string' },
      'retention-days': { type: 'string' },
      'invitation-days': { type: 'string' },
      'frame-origin': { type: 'string', multiple: true },
      'company-name': { type: 'string' },
      'logo-url': { type: 'string' },
      'score-band': { type: 'string', multiple: true },
      features: { type: 'string' },
    },
    async run(ctx) {
      const accountId = str(ctx, 'account', true)!;
      const input: Record<string, unknown> = {};
      const number = (name: string, key: string) => {
        const raw = str(ctx, name);
        if (raw === undefined) return;
        if (!/^-?\d+$/.test(raw)) throw new UsageError(`invalid_${key}`, `--${name} must be a whole number.`);
        input[key] = Number(raw);
      };
      number('retention-days', 'retention_days');
      number('invitation-days', 'invitation_days');
      if (typeof ctx.args['company-name'] === 'string') input.company_name = ctx.args['company-name'];
      if (typeof ctx.args['logo-url'] === 'string') input.logo_url = ctx.args['logo-url'].trim();
      const originsRaw = ctx.args['frame-origin'];
      if (Array.isArray(originsRaw)) input.frame_origins = originsRaw;
      const bandsRaw = ctx.args['score-band'];
      if (Array.isArray(bandsRaw)) {
        input.score_bands = bandsRaw.map((b) => {
          const m = /^(\d{1,3})-(\d{1,3}):(.+)$/.exec(b.trim());
          if (!m) throw new UsageError('invalid_score_bands', `"${b}" is not a band like 0-49:No hire (lowest-highest:label).`);
          return { min: Number(m[1]), max: Number(m[2]), label: m[3]!.trim() };
        });
      }
      const features = str(ctx, 'features');
      if (features !== undefined) input.features = features === 'all' ? [...PLAN_FEATURES] : features.split(',').map((f) => f.trim()).filter(Boolean);
      const svc = await ctx.svc();
      if (!(await svc.store.accounts.get(accountId))) throw new UsageError('unknown_account', `There is no account "${accountId}".`);
      const account = await updateAccountSettings(svc, accountId, input, { actor: 'cli', operator: true });
      const retention = input.retention_days as number | undefined;
      const swept = retention ? await sweepRetention(svc) : 0;
      ctx.out(`Updated ${accountId}.${retention ? ` Retention ${retention} days (${swept} candidate(s) erased now).` : ''}`, { account_id: accountId, settings: account.settings, frame_origins: account.frame_origins, erased_now: swept });
    },
  },
};
