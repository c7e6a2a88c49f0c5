// The stage trigger: candidateStageChange into the configured stage → opportunity → posting → mapped
// package → order → invitation to the opportunity's e-mail. Without a mapped package, a note says so.
import { isUsableEmail } from '../../../shared/api.ts';
import { PermanentError } from '../../http/client.ts';
import { placeOrder } from '../../orders/place-order.ts';
import type { Services } from '../../services.ts';
import type { ConnectionRow, OutboxJob, Repos } from '../../store/types.ts';
import { LeverClient } from './client.ts';
import { performAsUser, stageName } from './lookups.ts';
import { MAPPING_KIND, type LeverPosting } from './postings.ts';
import { leverSettings, PROVIDER } from './settings.ts';

export const NOTE_JOB = 'lever.note';

interface StageChangePayload {
  inbox_id: string;
  token: string;
  triggered_at: string;
  opportunity_id: string;
  to_stage_id: string;
  contact_id: string | null;
}

interface Opportunity {
  id: string;
  name?: string;
  contact?: string;
  emails?: string[];
  applications?: Array<string | { id: string; posting?: string | null }>;
}

const norm = (s: string) => s.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();

/** Queues a note on the opportunity (its own job, so a retry of the decision never writes it twice). */
export async function enqueueNote(tx: Repos, connection: ConnectionRow, opportunityId: string, text: string, key: string): Promise<void> {
  await tx.outbox.enqueue({
    account_id: connection.account_id,
    kind: NOTE_JOB,
    connection_id: connection.id,
    payload: { opportunity_id: opportunityId, text },
    idempotency_key: `lever:note:${connection.id}:${key}`,
  });
}

/** The connection of a Lever job as it is now; null when it was revoked or removed (the job then does nothing). */
export async function liveConnection(svc: Services, job: OutboxJob): Promise<ConnectionRow | null> {
  if (!job.connection_id) throw new PermanentError('the job names no connection');
  const c = await svc.store.connections.getById(job.connection_id);
  return c && c.provider === PROVIDER && c.status !== 'revoked' ? c : null;
}

export async function runStageChange(svc: Services, job: OutboxJob): Promise<void> {
  const p = job.payload as unknown as StageChangePayload;
  const connection = await liveConnection(svc, job);
  if (!connection) {
    await svc.store.inbox.finish(p.inbox_id, 'ignored', { reason: 'connection_revoked' });
    return;
  }
  const settings = leverSettings(svc, connection);
  const client = new LeverClient(svc, connection);
  const stage = await stageName(client, p.to_stage_id);
  if (!stage || norm(stage) !== norm(settings.triggerStage)) {
    await svc.store.inbox.finish(p.inbox_id, 'ignored', { reason: 'not_the_trigger_stage', stage_id: p.to_stage_id });
    return;
  }
  const got = await client.request<{ data: Opportunity }>('GET', `/opportunities/${encodeURIComponent(p.opportunity_id)}`, { query: { expand: 'applications' }, accept: [404] });
  const opp = got.body?.data;
  if (got.status === 404 || !opp) {
    await svc.store.inbox.finish(p.inbox_id, 'ignored', { reason: 'opportunity_not_found' });
    return;
  }
  const app = (opp.applications ?? []).map((a) => (typeof a === 'string' ? null : a)).find((a) => a?.posting);
  const postingId = app?.posting ?? null;
  const mapping = postingId ? await svc.store.mappings.get(connection.id, MAPPING_KIND, postingId) : null;
  let postingName: string | null = null;
  if (postingId) {
    const cached = await svc.store.connectorState.getObject<{ text?: string }>(connection.id, MAPPING_KIND, postingId);
    postingName = cached?.text ?? null;
    if (!postingName) {
      const res = await client.request<{ data: LeverPosting }>('GET', `/postings/${encodeURIComponent(postingId)}`, { accept: [404] });
      postingName = res.body?.data?.text ?? null;
    }
  }
  if (!mapping) {
    const text = postingId
      ? `Assay: no assessment was sent because the posting "${postingName ?? postingId}" has no Assay assessment mapped to it. Map one in Assay, then move the candidate to "${settings.triggerStage}" again.`
      : 'Assay: no assessment was sent because this opportunity is not on a job posting, so Assay cannot tell which assessment to send.';
    await svc.store.transaction(async (tx) => {
      await enqueueNote(tx, connection, opp.id, text, `${p.token}:unmapped`);
      await tx.inbox.finish(p.inbox_id, 'processed', { outcome: 'no_package_mapped', posting_id: postingId });
    });
    svc.outbox.wake();
    return;
  }
  const email = (opp.emails ?? []).find((e) => isUsableEmail(e)) ?? opp.emails?.[0] ?? null;
  const [first, ...rest] = (opp.name ?? '').trim().split(/\s+/);
  const outcome = await svc.store.transaction(async (tx) => {
    const account = await tx.accounts.get(connection.account_id);
    if (!account) throw new PermanentError('the account of this connection no longer exists');
    const placed = await placeOrder(tx, svc.box, {
      account,
      source: PROVIDER,
      // A re-delivered stage change carries the same token, so it can never order twice.
      sourceOrderId: `${opp.id}:${p.token}`,
      connectionId: connection.id,
      packageId: mapping.package_id,
      candidate: { externalId: p.contact_id ?? opp.contact ?? opp.id, email, firstName: first || null, lastName: rest.join(' ') || null, locale: null },
      applicationId: opp.id,
      job: { id: postingId, name: postingName },
      createdBy: 'lever:stage-change',
      meta: { lever: { opportunity_id: opp.id, posting_id: postingId, stage_id: p.to_stage_id, triggered_at: p.triggered_at } },
    });
    if (placed.kind === 'refused' && placed.refusal.code !== 'order_already_active') {
      await enqueueNote(tx, connection, opp.id, `Assay: no assessment was sent. ${placed.refusal.message}`, `${p.token}:refused`);
    }
    const result = placed.kind === 'refused' ? { outcome: 'refused', code: placed.refusal.code } : { outcome: placed.kind, order_id: placed.order.id };
    await tx.inbox.finish(p.inbox_id, 'processed', result);
    return result;
  });
  svc.log.info('lever stage change handled', { connection: connection.id, ...outcome });
  svc.outbox.wake();
}

/** POST /opportunities/:id/notes, as perform_as when one is configured (optional for notes). */
export async function runNote(svc: Services, job: OutboxJob): Promise<void> {
  const connection = await liveConnection(svc, job);
  if (!connection) return;
  const client = new LeverClient(svc, connection);
  const { opportunity_id, text } = job.payload as { opportunity_id: string; text: string };
  const user = leverSettings(svc, connection).performAs ? await performAsUser(client) : undefined;
  await client.request('POST', `/opportunities/${encodeURIComponent(opportunity_id)}/notes`, { query: { perform_as: user }, body: { value: text } });
}
