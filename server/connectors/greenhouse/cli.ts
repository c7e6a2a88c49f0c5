// Greenhouse's `assay` commands: which job stage orders which package, and the Harvest sync.
import { KIND, STAGE_MAPPING, type JobObject, type StageObject, HarvestError } from './client.ts';
import { PROVIDER } from './settings.ts';
import { runHarvestSync } from './sync.ts';
import { PermanentError, RetryableError } from '../../http/client.ts';
import { UsageError } from '../../errors.ts';
import { connectionCommand, str } from '../../cli/connection-commands.ts';
import type { Command, CommandContext } from '../../cli/main.ts';

const stageId = (ctx: CommandContext): string => {
  const s = str(ctx, 'stage', true)!;
  if (!/^\d{1,20}$/.test(s)) throw new UsageError('invalid_stage', `--stage takes the numeric id of a Greenhouse job stage (see greenhouse:stages), not "${s}".`);
  return s;
};

export const cli: Record<string, Command> = {
  'greenhouse:stages': connectionCommand({
    provider: PROVIDER,
    active: true,
    summary: 'List the Greenhouse jobs and stages we know (from the Harvest sync and job webhooks) and which package each stage orders.',
    usage: '<connection-id>',
    options: {},
    async run(ctx, svc, c) {
      const [jobs, stages, maps] = await Promise.all([
        svc.store.connectorState.listObjects<JobObject>(c.id, KIND.job),
        svc.store.connectorState.listObjects<StageObject>(c.id, KIND.stage),
        svc.store.mappings.list(c.id, STAGE_MAPPING),
      ]);
      const pkgOf = new Map(maps.map((m) => [m.external_id, m.package_id]));
      const rows = jobs.map(({ data: j }) => ({
        job_id: j.id,
        job_name: j.name,
        status: j.status,
        stages: stages
          .filter((s) => s.data.job_id === j.id)
          .sort((a, b) => (a.data.priority ?? 0) - (b.data.priority ?? 0))
          .map((s) => ({ stage_id: s.data.id, name: s.data.name, package_id: pkgOf.get(s.data.id) ?? null })),
      }));
      const known = new Set(stages.map((s) => s.external_id));
      const orphans = maps.filter((m) => !known.has(m.external_id)).map((m) => ({ stage_id: m.external_id, package_id: m.package_id }));
      const human = rows.length
        ? rows.map((j) => `${j.job_id}  ${j.job_name ?? ''} (${j.status ?? '?'})\n${j.stages.map((s) => `    ${s.stage_id}  ${s.name ?? ''}${s.package_id ? `  → ${s.package_id}` : ''}`).join('\n')}`).join('\n')
        : 'No jobs known yet: run greenhouse:sync.';
      ctx.out(human + (orphans.length ? `\nMapped stages not (yet) synced: ${orphans.map((o) => `${o.stage_id} → ${o.package_id}`).join(', ')}` : ''), { connection_id: c.id, jobs: rows, unsynced_mappings: orphans });
    },
  }),

  'greenhouse:map-stage': connectionCommand({
    provider: PROVIDER,
    active: true,
    summary: 'Order a package whenever a candidate enters a Greenhouse job stage.',
    usage: '<connection-id> --stage <stage-id> --package <package-id> [--force]',
    details: 'The stage must be known from a sync (greenhouse:sync) unless --force. Deleting the stage or its job in Greenhouse removes the mapping.',
    options: { stage: { type: 'string' }, package: { type: 'string' }, force: { type: 'boolean' } },
    async run(ctx, svc, c) {
      const stage = stageId(ctx);
      const pkgId = str(ctx, 'package', true)!;
      const pkg = await svc.store.packages.get(c.account_id, pkgId);
      if (!pkg) throw new UsageError('unknown_package', `There is no package "${pkgId}" in account ${c.account_id}.`);
      if (!pkg.active) throw new UsageError('package_inactive', `The package "${pkg.name}" is not active.`);
      const known = await svc.store.connectorState.getObject<StageObject>(c.id, KIND.stage, stage);
      if (!known && !ctx.args.force) throw new UsageError('unknown_stage', `Stage ${stage} is not known for ${c.id}; run greenhouse:sync first (or pass --force).`);
      await svc.store.transaction(async (tx) => {
        await tx.mappings.set({ connection_id: c.id, kind: STAGE_MAPPING, external_id: stage, package_id: pkg.id });
        await tx.audit.add({ account_id: c.account_id, actor: 'cli', action: 'greenhouse.stage_mapped', target: c.id, details: { stage_id: stage, package_id: pkg.id } });
      });
      ctx.out(`Candidates entering stage ${stage}${known?.name ? ` (${known.name})` : ''} now get "${pkg.name}".`, { connection_id: c.id, stage_id: stage, stage_name: known?.name ?? null, job_id: known?.job_id ?? null, package_id: pkg.id });
    },
  }),

  'greenhouse:unmap-stage': connectionCommand({
    provider: PROVIDER,
    active: true,
    summary: 'Stop ordering a package when candidates enter a Greenhouse job stage.',
    usage: '<connection-id> --stage <stage-id>',
    options: { stage: { type: 'string' } },
    async run(ctx, svc, c) {
      const stage = stageId(ctx);
      const removed = await svc.store.transaction(async (tx) => {
        const r = await tx.mappings.delete(c.id, STAGE_MAPPING, stage);
        if (r) await tx.audit.add({ account_id: c.account_id, actor: 'cli', action: 'greenhouse.stage_unmapped', target: c.id, details: { stage_id: stage } });
        return r;
      });
      if (!removed) throw new UsageError('not_mapped', `Stage ${stage} orders nothing on ${c.id}.`);
      ctx.out(`Stage ${stage} orders nothing any more.`, { connection_id: c.id, stage_id: stage, removed });
    },
  }),

  'greenhouse:sync': connectionCommand({
    provider: PROVIDER,
    active: true,
    summary: 'Sync from Greenhouse Harvest: jobs and their stages, and the candidates and applications of our orders; resumes an interrupted sync.',
    usage: '<connection-id> [--per-page <1-500>] [--budget-seconds <n>] [--full]',
    details: 'Incremental (only what changed since the last complete sync) unless --full. Waits as Greenhouse asks when rate limited. With --budget-seconds it stops in time and the next run continues.',
    options: { 'per-page': { type: 'string' }, 'budget-seconds': { type: 'string' }, full: { type: 'boolean' } },
    async run(ctx, svc, c) {
      const pp = str(ctx, 'per-page');
      if (pp !== undefined && (!/^\d+$/.test(pp) || Number(pp) < 1 || Number(pp) > 500)) throw new UsageError('invalid_per_page', '--per-page must be a whole number from 1 to 500.');
      const budget = str(ctx, 'budget-seconds');
      if (budget !== undefined && (!/^\d+$/.test(budget) || Number(budget) < 1)) throw new UsageError('invalid_budget', '--budget-seconds must be a whole number of seconds, at least 1.');
      let r;
      try {
        r = await runHarvestSync(svc, c, { perPage: pp ? Number(pp) : undefined, budgetMs: budget ? Number(budget) * 1000 : null, full: !!ctx.args.full });
      } catch (err) {
        if (err instanceof HarvestError && err.status === 0) throw new UsageError('no_harvest_key', err.message);
        if (err instanceof PermanentError || err instanceof RetryableError || err instanceof HarvestError) throw new UsageError('harvest_failed', `${err.message} (progress so far is kept; run again to continue).`);
        throw err;
      }
      const human = `${r.done ? 'Sync complete' : `Sync stopped in phase ${r.phase} (${r.stopped_because}); run again to continue`}: ${r.pages} pages, ${r.requests} requests (${r.rate_limited} rate limited, waited ${Math.round(r.waited_ms / 100) / 10} s); ${r.jobs} jobs, ${r.stages} stages, ${r.candidates} candidates, ${r.applications} applications, ${r.orders_linked} orders linked.`;
      ctx.out(human, { connection_id: c.id, ...r });
    },
  }),
};
