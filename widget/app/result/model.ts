// Result cards: completed orders with a score, and the Open link that reports `result.opened`.
import { computed, createModel } from '@preact/signals';
import type { Order, OrderResult } from '../api.ts';
import { ordersFeed } from '../shared/orders-feed.ts';
import '../ui/view-strings.ts';
import type { ViewProps } from '../view-props.ts';

export type ResultDeps = Pick<ViewProps, 'api' | 't' | 'hidden' | 'emit'> & { interval?: number };

export type ScoredOrder = Order & { result: OrderResult };

/** `Math.round(score / max_score * 100)`, or null when there is no meaningful maximum. */
export function percentage(result: OrderResult): number | null {
  return result.max_score > 0 ? Math.round((result.score / result.max_score) * 100) : null;
}

export const ResultModel = createModel((deps: ResultDeps) => {
  const { t } = deps;
  const feed = ordersFeed({
    ...deps,
    describe: (o) => t('status.changed', { name: o.package_name, status: t(`state.${o.status}`) }),
    fallbackError: t('offline'),
  });
  const results = computed(() => feed.orders.value.filter((o): o is ScoredOrder => o.status === 'completed' && !!o.result));

  return {
    results,
    phase: feed.phase,
    error: feed.error,
    announcement: feed.announcement,
    load: () => feed.load(),
    opened: (order: ScoredOrder) => {
      deps.emit('result.opened', { v: 1, order_id: order.id, result_url: order.result.result_url });
    },
  };
});

export type ResultModel = InstanceType<typeof ResultModel>;
