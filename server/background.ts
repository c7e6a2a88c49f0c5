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

/**
 * What the background loops schedule by. Production uses the real one; tests pass a clock they move by
 * hand (test/helpers/clock.ts), so a sweep happens because the test said so, not because time passed.
 */
export interface BackgroundClock {
  now(): Date;
  /** Runs `task` every `ms` until cancelled; a run still busy when the next is due is not overlapped. */
  every(ms: number, task: () => Promise<void>): { cancel(): void };
}

export const realClock: BackgroundClock = {
  now: () => new Date(),
  every(ms, task) {
    const t = setInterval(() => void task(), ms);
    t.unref();
    return { cancel: () => clearInterval(t) };
  },
};

/** Starts the outbox worker, the sweeper and each connector's periodic work; returns a stop function. */
export function startBackground(svc: Services, opts: { clock?: BackgroundClock } = {}): () => Promise<void> {
  const clock = opts.clock ?? realClock;
  svc.outbox.start();
  const loops: Array<{ cancel(): void }> = [];
  const every = (ms: number, fn: () => Promise<unknown>, name: string) => {
    let busy = false;
    loops.push(
      clock.every(ms, async () => {
        if (busy) return;
        busy = true;
        try {
          await fn();
        } catch (err) {
          svc.log.warn('background task failed', { task: name, error: (err as Error).message });
        } finally {
          busy = false;
        }
      }),
    );
  };
  // The clock is read when each sweep starts, so a test's clock decides what has lapsed.
  every(svc.config.sweepMs ?? 30_000, () => sweepLapsedOrders(svc, clock.now()), 'sweeper');
  // Lapsed rate-limit and login counters (their times are wall-clock milliseconds, as the requests saw them).
  every(svc.config.sweepMs ?? 30_000, () => svc.store.limits.sweep(Date.now()), 'limits');
  every(svc.config.retentionSweepMs ?? 3_600_000, () => sweepRetention(svc, clock.now()), 'retention');
  for (const c of Object.values(svc.connectors)) {
    if (c.periodic) every(c.periodic.everyMs, () => c.periodic!.run(svc), `${c.provider}.periodic`);
  }
  return async () => {
    for (const l of loops) l.cancel();
    await svc.outbox.stop();
  };
}
