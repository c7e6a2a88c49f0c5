// A clock a test moves by hand, for code that takes a BackgroundClock (server/background.ts): `advance`
// moves time and runs, once each, the loops that fell due, waiting until they finish. Like a real timer
// after a long pause, a loop that missed many periods runs once, not once per period.
import type { BackgroundClock } from '../../server/background.ts';

export interface ManualClock extends BackgroundClock {
  /** Moves time forward by `ms` and runs every loop now due; resolves when they are done. */
  advance(ms: number): Promise<void>;
  /** How many loops are scheduled (cancelled ones are gone). */
  readonly loops: number;
}

export function manualClock(start = new Date()): ManualClock {
  let now = start.getTime();
  const loops = new Set<{ ms: number; due: number; task: () => Promise<void> }>();
  return {
    now: () => new Date(now),
    every(ms, task) {
      const loop = { ms, due: now + ms, task };
      loops.add(loop);
      return { cancel: () => void loops.delete(loop) };
    },
    async advance(ms) {
      now += ms;
      const due = [...loops].filter((l) => l.due <= now);
      for (const l of due) l.due = now + l.ms;
      await Promise.all(due.map((l) => l.task()));
    },
    get loops() {
      return loops.size;
    },
  };
}
