// Package picker: search, listbox navigation, one chosen package, and sending it as an order.
import { computed, createModel, signal } from '@preact/signals';
import { ApiError, newIdempotencyKey, type Order, type Package } from '../api.ts';
import { messageOf, type Phase, type ViewProps } from '../view-props.ts';
import { announceOrdersChanged } from '../shared/orders-channel.ts';

export type PickerDeps = Pick<ViewProps, 'api' | 't' | 'emit' | 'role' | 'refusal'> & {
  /** Called with the new order, e.g. to put it straight into a status list. */
  onCreated?: (order: Order) => void;
  newKey?: () => string;
};

export type Outcome =
  | { kind: 'sent'; order: Order }
  | { kind: 'refused'; message: string }
  | { kind: 'failed'; message: string };

export type ListKey = 'ArrowDown' | 'ArrowUp' | 'Home' | 'End' | 'Enter' | ' ';

export function matches(pkg: Package, query: string): boolean {
  const q = query.trim().toLowerCase();
  return !q || [pkg.name, pkg.type, pkg.description].some((s) => (s || '').toLowerCase().includes(q));
}

export const PickerModel = createModel((deps: PickerDeps) => {
  const { t } = deps;
  const packages = signal<Package[]>([]);
  const phase = signal<Phase>('loading');
  const error = signal('');
  const query = signal('');
  const activeId = signal<string | null>(null);
  const selectedId = signal<string | null>(null);
  const sending = signal(false);
  /** Extra time granted as an accommodation, percent (0 = none). */
  const extraTime = signal(0);
  const outcome = signal<Outcome | null>(null);

  const filtered = computed(() => packages.value.filter((p) => matches(p, query.value)));
  const active = computed(() => filtered.value.find((p) => p.id === activeId.value) || null);
  const selected = computed(() => packages.value.find((p) => p.id === selectedId.value) || null);
  const canOrder = computed(() => deps.role !== 'viewer');
  /** Known before Send: the session says every order would be refused (e.g. no usable e-mail). */
  const blocked = computed(() => (deps.refusal ? deps.refusal.message : null));
  const canSend = computed(() => canOrder.value && !blocked.value && !!selected.value && !sending.value);

  const keepActiveVisible = () => {
    if (!active.value) activeId.value = filtered.value[0]?.id ?? null;
  };

  const load = async () => {
    phase.value = 'loading';
    try {
      packages.value = await deps.api.listPackages();
      phase.value = 'ready';
      keepActiveVisible();
    } catch (err) {
      error.value = messageOf(err, t('offline'));
      phase.value = 'error';
    }
  };

  const choose = (id: string) => {
    if (!packages.value.some((p) => p.id === id)) return;
    selectedId.value = id;
    activeId.value = id;
    // A new choice clears an earlier refusal so the person can try again.
    if (outcome.value && outcome.value.kind !== 'sent') outcome.value = null;
  };

  /** Listbox keyboard behaviour; returns true when the key was handled. */
  const key = (k: string): boolean => {
    const list = filtered.value;
    if (!list.length) return false;
    const i = list.findIndex((p) => p.id === activeId.value);
    let next: number;
    if (k === 'ArrowDown') next = i < 0 ? 0 : Math.min(list.length - 1, i + 1);
    else if (k === 'ArrowUp') next = i < 0 ? 0 : Math.max(0, i - 1);
    else if (k === 'Home') next = 0;
    else if (k === 'End') next = list.length - 1;
    else if (k === 'Enter' || k === ' ') {
      if (active.value) choose(active.value.id);
      return true;
    } else return false;
    activeId.value = list[next]!.id;
    return true;
  };

  const search = (q: string) => {
    query.value = q;
    keepActiveVisible();
  };

  const send = async () => {
    const pkg = selected.value;
    if (!pkg || !canSend.value) return;
    sending.value = true;
    outcome.value = null;
    try {
      // One key per Send click; the API client reuses it if it retries a network failure.
      const order = await deps.api.createOrder(pkg.id, (deps.newKey || newIdempotencyKey)(), extraTime.value);
      outcome.value = { kind: 'sent', order };
      announceOrdersChanged();
      deps.emit('order.created', { v: 1, order_id: order.id, package_id: pkg.id, package_name: order.package_name || pkg.name, status: order.status });
      deps.onCreated?.(order);
    } catch (err) {
      const message = messageOf(err, t('offline'));
      outcome.value = { kind: err instanceof ApiError && err.status === 422 ? 'refused' : 'failed', message };
      deps.emit('error', { v: 1, code: err instanceof ApiError ? err.code : 'error', message });
    } finally {
      sending.value = false;
    }
  };

  const again = () => {
    outcome.value = null;
    selectedId.value = null;
    extraTime.value = 0;
  };

  return { blocked, packages, phase, error, query, filtered, activeId, selectedId, selected, sending, outcome, canOrder, canSend, load, search, choose, key, send, again, extraTime };
});

export type PickerModel = InstanceType<typeof PickerModel>;
