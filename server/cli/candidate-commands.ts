import { UsageError } from '../errors.ts';
import { eraseCandidate } from '../candidates/erase-candidate.ts';
import { sweepRetention } from '../candidates/retention.ts';
import type { Command } from './main.ts';
import { str } from './commands.ts';

export const candidateCommands: Record<string, Command> = {
  'candidates:erase': {
    summary: "Erase a candidate's personal data from every table and e-mail file (scores stay, anonymised).",
    usage: '--account <id> (--candidate <cand_…> | --external-id <ATS candidate id> [--source ats|kombo|stackone|lever|greenhouse|recruitee])',
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
    summary: "Change an account's settings: retention, invitation validity, frame origins, company name.",
    usage: '--account <id> [--retention-days <n|0>] [--invitation-days <n>] [--frame-origin <origin> …] [--company-name <name>]',
    details: 'Retention: candidates whose orders have all been finished for longer than N days have their personal data erased by the sweeper (0 turns it off).',
    options: { account: { type: 'string' }, 'retention-days': { type: 'string' }, 'invitation-days': { type: 'string' }, 'frame-origin': { type: 'string', multiple: true }, 'company-name': { type: 'string' } },
    async run(ctx) {
      const accountId = str(ctx, 'account', true)!;
      const svc = await ctx.svc();
      const account = await svc.store.accounts.get(accountId);
      if (!account) throw new UsageError('unknown_account', `There is no account "${accountId}".`);
      const settings = { ...account.settings };
      const whole = (name: string, min: number, max: number) => {
        const raw = str(ctx, name);
        if (raw === undefined) return undefined;
        if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new UsageError(`invalid_${name.replace('-', '_')}`, `--${name} must be a whole number from ${min} to ${max}.`);
        return Number(raw);
      };
      const retention = whole('retention-days', 0, 3650);
      if (retention !== undefined) settings.retention_days = retention;
      const invitation = whole('invitation-days', 1, 90);
      if (invitation !== undefined) settings.invitation_days = invitation;
      const company = str(ctx, 'company-name');
      if (company) settings.company_name = company.slice(0, 200);
      const originsRaw = ctx.args['frame-origin'];
      const origins = Array.isArray(originsRaw) ? originsRaw : undefined;
      for (const o of origins ?? []) if (!/^https?:\/\/([a-z0-9-]+\.)*[a-z0-9-]+(:(\d{1,5}|\*))?$/i.test(o)) throw new UsageError('invalid_frame_origin', `"${o}" is not an origin like https://ats.example.com.`);
      await svc.store.transaction(async (tx) => {
        await tx.accounts.update(accountId, { settings, ...(origins ? { frame_origins: origins } : {}) });
        await tx.audit.add({ account_id: accountId, actor: 'cli', action: 'account.updated', target: accountId, details: { retention_days: settings.retention_days ?? null, invitation_days: settings.invitation_days ?? null, frame_origins: origins ?? null } });
      });
      const swept = retention ? await sweepRetention(svc) : 0;
      ctx.out(`Updated ${accountId}.${retention ? ` Retention ${retention} days (${swept} candidate(s) erased now).` : ''}`, { account_id: accountId, settings, frame_origins: origins ?? account.frame_origins, erased_now: swept });
    },
  },
};
