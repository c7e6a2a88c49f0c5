// The candidate's orders as signals, with polling; used inside the status and result models so its
// effects are owned (and disposed) by whichever model calls it.
import { computed, effect, signal, type ReadonlySignal } from '@preact/signals';
import type { OrderStatus } from '../../../shared/embed-protocol.ts';
import type { ApiClient, Order } from '../api.ts';
import { messageOf, type Emit, type Phase } from '../view-props.ts';
import { onOrdersChanged } from './orders-channel.ts';

export interface FeedDeps {
  api: ApiClient;
  hidden: ReadonlySignal<boolean>;
  emit: Emit;
  /** Sentence for a status change, for the live region. */
  describe(order: Order): string;
  fallbackError: string;
  /** Poll interval while something is moving; tests shorten it. */
  interval?: number;
  /** Poll interval while nothing moves (orders may still arrive from the ATS); tests shorten it. */
  idleInterval?: number;
}

const MOVING: OrderStatus[] = ['pending', 'in_progress'];

export function ordersFeed(deps: FeedDeps) {
  const orders = signal<Order[]>([]);
  const phase = signal<Phase>('loading');
  const error = signal('');
  const announcement = signal('');
  const failures = signal(0);
  const loads = signal(0);
  const moving = computed(() => orders.value.some((o) => MOVING.includes(o.status)));
  const interval = deps.interval ?? 5000;
  let inflight = false;
  let alive = true;

  /** Replaces the list, telling the host page and screen readers what changed status. */
  const accept = (next: Order[], announce: boolean) => {
    const before = new Map(orders.value.map((o) => [o.id, o.status]));
    const said: string[] = [];
    for (const o of next) {
      const prev = before.get(o.id);
      if (prev && prev !== o.status) {
        said.push(deps.describe(o));
        deps.emit('order.updated', { v: 1, order_id: o.id, status: o.status, previous_status: prev });
      }
    }
    orders.value = next;
    if (announce && said.length) announcement.value = said.join(' ');
  };

  const load = async (background = false) => {
    if (inflight || !alive) return;
    inflight = true;
    if (!background) phase.value = 'loading';
    try {
      const next = await deps.api.listOrders();
      if (!alive) return;
      accept(next, phase.value === 'ready');
      phase.value = 'ready';
      failures.value = 0;
    } catch (err) {
      if (!alive) return;
      failures.value++;
      // A failed background poll keeps the list on screen and retries with backoff.
      if (phase.value !== 'ready') {
        error.value = messageOf(err, deps.fallbackError);
        phase.value = 'error';
      }
    } finally {
      inflight = false;
      loads.value++;
    }
  };

  /** Puts one order (from create, cancel or resend) into the list without waiting for a poll. */
  const put = (order: Order) => {
    const exists = orders.value.some((o) => o.id === order.id);
    accept(exists ? orders.value.map((o) => (o.id === order.id ? order : o)) : [order, ...orders.value], true);
    if (phase.value !== 'ready') phase.value = 'ready';
  };

  effect(() => {
    void loads.value;
    const f = failures.value;
    if (deps.hidden.value) return;
    const wait = f ? Math.min(60000, interval * 2 ** f) : moving.value ? interval : (deps.idleInterval ?? 30000);
    const timer = setTimeout(() => void load(true), wait);
    return () => clearTimeout(timer);
  });
  const stopListening = onOrdersChanged(() => void load(true));
  effect(() => () => {
    alive = false;
    stopListening();
  });

  return { orders, phase, error, announcement, load, put };
}
