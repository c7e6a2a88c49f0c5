// Status list: the candidate's orders with polling, live announcements, and cancel / resend.
import { computed, createModel, signal } from '@preact/signals';
import type { Order } from '../api.ts';
import { ordersFeed } from '../shared/orders-feed.ts';
import '../ui/view-strings.ts';
import { announceOrdersChanged } from '../shared/orders-channel.ts';
import { messageOf, type ViewProps } from '../view-props.ts';

export type StatusDeps = Pick<ViewProps, 'api' | 't' | 'hidden' | 'emit' | 'role'> & {
  interval?: number;
  /** How long Undo is offered after a cancel, in ms (the server allows a minute). */
  undoFor?: number;
};

export const StatusModel = createModel((deps: StatusDeps) => {
  const { t } = deps;
  const feed = ordersFeed({
    ...deps,
    describe: (o) => t('status.changed', { name: o.package_name, status: t(`state.${o.status}`) }),
    fallbackError: t('offline'),
  });
  /** Id of the order a cancel / resend is running for. */
  const busy = signal<string | null>(null);
  const actionError = signal('');
  const canManage = computed(() => deps.role !== 'viewer');
  /** The order whose cancel waits for "Yes, cancel". */
  const confirming = signal<string | null>(null);
  /** The order just cancelled, while Undo is offered. */
  const undoable = signal<string | null>(null);
  let undoTimer: ReturnType<typeof setTimeout> | undefined;

  const act = async (order: Order, kind: 'cancel' | 'resend') => {
    if (busy.value || !canManage.value) return;
    busy.value = order.id;
    actionError.value = '';
    try {
      const next = kind === 'cancel' ? await deps.api.cancelOrder(order.id) : await deps.api.resendOrder(order.id);
      feed.put(next);
      announceOrdersChanged();
      if (kind === 'cancel') {
        confirming.value = null;
        offerUndo(next.id);
      }
      if (kind === 'resend') {
        feed.announcement.value = t('status.resent', { name: next.package_name });
        deps.emit('order.updated', { v: 1, order_id: next.id, status: next.status, previous_status: order.status });
      }
    } catch (err) {
      actionError.value = messageOf(err, t('offline'));
      deps.emit('error', { v: 1, code: (err as { code?: string }).code || 'error', message: actionError.value });
    } finally {
      busy.value = null;
    }
  };

  const offerUndo = (id: string | null) => {
    clearTimeout(undoTimer);
    undoable.value = id;
    if (id) undoTimer = setTimeout(() => (undoable.value = null), deps.undoFor ?? 8000);
  };

  const undo = async (order: Order) => {
    if (busy.value || undoable.value !== order.id) return;
    busy.value = order.id;
    actionError.value = '';
    try {
      const next = await deps.api.restoreOrder(order.id);
      offerUndo(null);
      feed.put(next);
      announceOrdersChanged();
      feed.announcement.value = t('status.restored', { name: next.package_name });
    } catch (err) {
      offerUndo(null);
      actionError.value = messageOf(err, t('offline'));
      deps.emit('error', { v: 1, code: (err as { code?: string }).code || 'error', message: actionError.value });
    } finally {
      busy.value = null;
    }
  };

  return {
    orders: feed.orders,
    phase: feed.phase,
    error: feed.error,
    announcement: feed.announcement,
    busy,
    actionError,
    canManage,
    confirming,
    undoable,
    load: () => feed.load(),
    /** First step of Cancel: ask. */
    askCancel: (order: Order) => {
      actionError.value = '';
      confirming.value = order.id;
    },
    keep: () => (confirming.value = null),
    undo,
    add: (order: Order) => feed.put(order),
    cancel: (order: Order) => act(order, 'cancel'),
    resend: (order: Order) => act(order, 'resend'),
  };
});

export type StatusModel = InstanceType<typeof StatusModel>;
