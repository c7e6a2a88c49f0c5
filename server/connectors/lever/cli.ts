// Lever's `assay` commands: OAuth, posting ↔ package mapping, settings.
import { startAuthorization } from './client.ts';
import { listPostings, mapPosting } from './sync.ts';
import { PROVIDER } from './settings.ts';
import { UsageError } from '../../errors.ts';
import { connectionCommand, setSettingsCommand, str } from '../../cli/connection-commands.ts';
import type { Command } from '../../cli/main.ts';

export const cli: Record<string, Command> = {
  'lever:authorize': connectionCommand({
    provider: PROVIDER,
    active: true,
    summary: 'Print a new Lever authorize URL for a connection (first consent, or to reconnect after Lever refused our tokens).',
    usage: '<connection-id>',
    options: {},
    async run(ctx, svc, c) {
      const url = await startAuthorization(svc, c);
      ctx.out(`Open this URL as a Lever super admin (valid 30 minutes, once):\n${url}`, { connection_id: c.id, status: c.status, authorize_url: url });
    },
  }),

  'lever:set': {
    ...setSettingsCommand(PROVIDER),
    summary: 'Change settings of a Lever connection (e.g. the webhook signature_token once Lever shows it).',
    details: 'Keys: client_id, client_secret, signature_token (several separated by spaces when each webhook has its own), trigger_stage, perform_as, base_url, auth_url. The same as connections:set, for Lever connections only.',
  },

  'lever:postings': connectionCommand({
    provider: PROVIDER,
    summary: "List the Lever account's postings with the Assay package mapped to each.",
    usage: '<connection-id> [--state published|internal|closed|draft|pending|rejected]',
    options: { state: { type: 'string' } },
    async run(ctx, svc, c) {
      const state = str(ctx, 'state');
      if (state && !['published', 'internal', 'closed', 'draft', 'pending', 'rejected'].includes(state)) throw new UsageError('invalid_state', '--state must be published, internal, closed, draft, pending or rejected.');
      const postings = await listPostings(svc, c, { state });
      const human = postings.length
        ? postings.map((p) => `${p.id}  ${p.state.padEnd(9)} ${p.text}  →  ${p.mapping ? p.mapping.package_id : '(no package)'}`).join('\n')
        : 'No postings.';
      ctx.out(human, { connection_id: c.id, postings });
    },
  }),

  'lever:map': connectionCommand({
    provider: PROVIDER,
    summary: 'Map a Lever posting to a package: our tag is added to the posting (its other tags stay) and the stage trigger sends that package.',
    usage: '<connection-id> --posting <posting-id> --package <package-id>',
    options: { posting: { type: 'string' }, package: { type: 'string' } },
    async run(ctx, svc, c) {
      const posting = str(ctx, 'posting', true)!;
      const pkg = str(ctx, 'package', true)!;
      const p = await mapPosting(svc, c, posting, pkg, 'cli');
      ctx.out(`Mapped posting ${p.id} (${p.text}) to ${pkg}. Tags: ${p.tags.join(', ')}`, { connection_id: c.id, posting: p });
    },
  }),

  'lever:unmap': connectionCommand({
    provider: PROVIDER,
    summary: 'Remove the package mapping of a Lever posting (and our tag from it).',
    usage: '<connection-id> --posting <posting-id>',
    options: { posting: { type: 'string' } },
    async run(ctx, svc, c) {
      const posting = str(ctx, 'posting', true)!;
      const p = await mapPosting(svc, c, posting, null, 'cli');
      ctx.out(`Posting ${p.id} (${p.text}) has no package now. Tags: ${p.tags.join(', ') || '(none)'}`, { connection_id: c.id, posting: p });
    },
  }),
};
