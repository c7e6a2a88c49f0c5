// The package list Kombo shows in the ATS: every active package of the account, pushed whole (PUT replaces).
import type { Services } from '../../services.ts';
import type { ConnectionRow, OutboxJob, Repos } from '../../store/types.ts';
import { KomboClient, type KomboPackage } from './client.ts';
import { PROVIDER, settingsOf } from './settings.ts';
import { orderablePackages } from '../../orders/assessments.ts';

export const PUSH_JOB = 'kombo.push_packages';

const KOMBO_TYPES = new Set<KomboPackage['type']>(['BEHAVIORAL', 'VIDEO_INTERVIEW', 'SKILLS_TEST', 'BACKGROUND_CHECK', 'REFERENCE_CHECK']);

export async function packageList(svc: Services, accountId: string): Promise<KomboPackage[]> {
  // Active packages and published assessments ("<job> — <package>", id asm_…): orders/assessments.ts.
  const rows = await orderablePackages(svc.store, accountId);
  return rows.map((p) => ({
    id: p.id,
    type: KOMBO_TYPES.has(p.type as KomboPackage['type']) ? (p.type as KomboPackage['type']) : 'SKILLS_TEST',
    name: p.name,
    // Kombo requires a description ("some ATSs will display this").
    description: p.description || p.name,
  }));
}

export const canPush = (c: ConnectionRow) => c.provider === PROVIDER && c.status === 'active' && typeof c.config.integration_id === 'string';

/** Pushes now; throws RetryableError / PermanentError as callVendor's failures do. */
export async function pushPackages(svc: Services, connection: ConnectionRow): Promise<{ count: number; warnings: string[] }> {
  const s = settingsOf(svc, connection);
  const list = await packageList(svc, connection.account_id);
  const { warnings } = await new KomboClient({ baseUrl: s.baseUrl, apiKey: s.apiKey, integrationId: s.integrationId }).putPackages(list);
  await svc.store.connectorState.put(connection.id, 'packages_pushed', { at: new Date().toISOString(), ids: list.map((p) => p.id), warnings });
  for (const w of warnings) svc.log.info('kombo package warning', { connection: connection.id, warning: w.slice(0, 300) });
  return { count: list.length, warnings };
}

/** Queues a push in the caller's transaction; the job reads the package list when it runs, so it is never stale. */
export async function enqueuePush(tx: Repos, connection: ConnectionRow): Promise<void> {
  await tx.outbox.enqueue({
    account_id: connection.account_id,
    kind: PUSH_JOB,
    connection_id: connection.id,
    payload: { connection_id: connection.id },
    idempotency_key: `kombo-packages:${connection.id}:${Date.now()}`,
  });
}

/** Tries at once (so the CLI can say so); if Kombo cannot be reached, the outbox retries it. */
export async function pushNowOrQueue(svc: Services, connection: ConnectionRow): Promise<{ pushed: boolean; count?: number; error?: string }> {
  try {
    const r = await pushPackages(svc, connection);
    return { pushed: true, count: r.count };
  } catch (err) {
    await svc.store.transaction((tx) => enqueuePush(tx, connection));
    svc.outbox.wake();
    svc.log.warn('kombo package push queued for retry', { connection: connection.id, error: (err as Error).message.slice(0, 300) });
    return { pushed: false, error: (err as Error).message };
  }
}

export async function runPushJob(svc: Services, job: OutboxJob): Promise<void> {
  const connection = await svc.store.connections.getById(String(job.payload.connection_id ?? ''));
  if (!connection || !canPush(connection)) return; // removed, revoked or not bound yet: nothing to push to
  await pushPackages(svc, connection);
}
