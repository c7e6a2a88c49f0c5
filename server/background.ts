import { actor, transition } from './orders/transition.ts';
import { sweepRetention } from './candidates/retention.ts';
import type { Services } from './services.ts';

/** Expires lapsed invitations and deadlines; safe to run in every instance (each update is conditional). */
export async function sweepLapsedOrders(svc: Services, now = new Date()): Promise<number> {
  const lapsed = await svc.store.orders.listLapsed(now.toISOString(), 200);
  let n = 0;
  for (const o of lapsed) {
    await svc.store.transaction(async (tx) => {
      const cur = await tx.orders.get(o.account_id, o.id);
      if (!cur || (cur.status !== 'pending' && cur.status !== 'in_progress')) return;
      const reason = cur.status === 'pending' ? 'The invitation expired before the candidate started.' : 'The time for the test ran out before the candidate submitted.';
      // The token's hash is kept (transition's policy) so the old link still finds the order and shows "expired".
      await transition(tx, cur, 'expired', { reason, actor: actor.system('expiry'), now });
      n++;
    });
  }
  return n;
}

/** Starts the outbox worker, the sweeper and each connector's periodic work; returns a stop function. */
export function startBackground(svc: Services): () => Promise<void> {
  svc.outbox.start();
  const timers: NodeJS.Timeout[] = [];
  const every = (ms: number, fn: () => Promise<unknown>, name: string) => {
    let busy = false;
    const t = setInterval(async () => {
      if (busy) return;
      busy = true;
      try {
        await fn();
      } catch (err) {
        svc.log.warn('background task failed', { task: name, error: (err as Error).message });
      } finally {
        busy = false;
      }
    }, ms);
    t.unref();
    timers.push(t);
  };
  every(Number(process.env.ASSAY_SWEEP_MS ?? 30_000), () => sweepLapsedOrders(svc), 'sweeper');
  every(Number(process.env.ASSAY_RETENTION_SWEEP_MS ?? 3_600_000), () => sweepRetention(svc), 'retention');
  for (const c of Object.values(svc.connectors)) {
    if (c.periodic) every(c.periodic.everyMs, () => c.periodic!.run(svc), `${c.provider}.periodic`);
  }
  return async () => {
    for (const t of timers) clearInterval(t);
    await svc.outbox.stop();
  };
}
