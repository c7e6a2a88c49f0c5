// Status list markup: per order an icon and a label, a tooltip with the timestamps, cancel / resend.
import { useModel } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import '../ui/view-strings.ts';
import type { Order } from '../api.ts';
import type { MessageKey } from '../i18n.ts';
import { StatusBadge } from '../ui/status-badge.tsx';
import { focusQuietly } from '../ui/tooltip.tsx';
import { Empty, ErrorState, Loading } from '../ui/states.tsx';
import type { ViewProps } from '../view-props.ts';
import { StatusModel } from './model.ts';

/** Short date and time in the widget's locale, or '' for a missing timestamp. */
export function formatTime(iso: string | null, locale: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  return isNaN(d.getTime()) ? '' : d.toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
}

const TIMES: [MessageKey, keyof Order][] = [
  ['status.created', 'created_at'],
  ['status.invited', 'invited_at'],
  ['status.started', 'started_at'],
  ['status.completed', 'completed_at'],
  ['status.expires', 'expires_at'],
];

/** Tooltip body: the status, then every timestamp the order has. */
export function OrderDetails({ order, t, locale }: { order: Order; t: ViewProps['t']; locale: string }) {
  return (
    <dl>
      {TIMES.map(([label, field]) => {
        const when = formatTime(order[field] as string | null, locale);
        return when ? (
          <div key={field}>
            <dt>{t(label)}</dt>
            <dd>{when}</dd>
          </div>
        ) : null;
      })}
      {order.reason && (
        <div>
          <dt>{t('status.reason')}</dt>
          <dd>{order.reason}</dd>
        </div>
      )}
    </dl>
  );
}

/** Moves focus to `selector` inside the row once it is rendered (e.g. from Cancel to "Yes, cancel"). */
function focusIn(rowId: string, selector: string) {
  requestAnimationFrame(() => focusQuietly(document.querySelector(`#assay-row-${rowId} ${selector}`) as HTMLElement | null));
}

/** Resend / Cancel; Cancel asks first, and a cancel can be undone for a few seconds. */
function OrderActions({ model, order: o, t }: { model: StatusModel; order: Order; t: ViewProps['t'] }) {
  const busy = !!model.busy.value;
  const undoable = model.undoable.value === o.id;
  // When Undo goes away while it had focus, focus stays in the row (on the badge, without its tooltip).
  useEffect(() => {
    if (!undoable) return;
    return () => {
      if (document.activeElement === document.body || !document.activeElement) focusIn(o.id, '.assay-badge');
    };
  }, [undoable]);
  if (undoable && o.status === 'cancelled') {
    return (
      <span class="assay-order-actions">
        <span class="assay-muted">{t('status.cancelled', { name: o.package_name })}</span>
        <button type="button" class="assay-link-button assay-undo" disabled={busy} aria-label={t('status.undoFor', { name: o.package_name })} onClick={() => void model.undo(o)}>
          {t('status.undo')}
        </button>
      </span>
    );
  }
  if (o.status !== 'pending') return null;
  if (model.confirming.value === o.id) {
    return (
      <span class="assay-order-actions assay-confirm" role="group" aria-label={t('status.cancelFor', { name: o.package_name })}>
        <span>{t('status.confirmCancel', { name: o.package_name })}</span>
        <button type="button" class="assay-link-button assay-danger assay-confirm-yes" disabled={busy} onClick={() => void model.cancel(o).then(() => focusIn(o.id, '.assay-undo'))}>
          {t('status.confirmYes')}
        </button>
        <button
          type="button"
          class="assay-link-button"
          disabled={busy}
          onClick={() => {
            model.keep();
            focusIn(o.id, '.assay-cancel');
          }}
        >
          {t('status.keep')}
        </button>
      </span>
    );
  }
  return (
    <span class="assay-order-actions">
      <button type="button" class="assay-link-button" disabled={busy} aria-label={t('status.resendFor', { name: o.package_name })} onClick={() => void model.resend(o)}>
        {t('status.resend')}
      </button>
      <button
        type="button"
        class="assay-link-button assay-cancel"
        disabled={busy}
        aria-label={t('status.cancelFor', { name: o.package_name })}
        onClick={() => {
          model.askCancel(o);
          focusIn(o.id, '.assay-confirm-yes');
        }}
      >
        {t('status.cancel')}
      </button>
    </span>
  );
}

export function StatusPanel({ model, t, locale }: { model: StatusModel; t: ViewProps['t']; locale: string }) {
  const phase = model.phase.value;
  const orders = model.orders.value;
  return (
    <section class="assay-panel" aria-labelledby="assay-status-title">
      <h2 id="assay-status-title" class="assay-view-title">{t('status.title')}</h2>
      <p class="assay-sr-only" aria-live="polite">
        {model.announcement.value}
      </p>
      {phase === 'loading' && <Loading text={t('status.loading')} />}
      {phase === 'error' && <ErrorState message={model.error.value} onRetry={model.load} t={t} />}
      {phase === 'ready' && !orders.length && <Empty text={t('status.empty')} />}
      {!!orders.length && (
        <ul class="assay-orders">
          {orders.map((o) => {
            const label = t(`state.${o.status}`);
            return (
              <li key={o.id} id={'assay-row-' + o.id} class="assay-order" data-status={o.status}>
                <StatusBadge id={'assay-tip-' + o.id} status={o.status} label={label}>
                  <strong>{label}</strong>
                  <OrderDetails order={o} t={t} locale={locale} />
                </StatusBadge>
                <span class="assay-order-name">{o.package_name}</span>
                {model.canManage.value && <OrderActions model={model} order={o} t={t} />}
              </li>
            );
          })}
        </ul>
      )}
      {model.actionError.value && (
        <p class="assay-refusal" role="alert">
          {model.actionError.value}
        </p>
      )}
    </section>
  );
}

export function StatusView(props: ViewProps) {
  const model = useModel(() => new StatusModel(props));
  useEffect(() => void model.load(), []);
  return <StatusPanel model={model} t={props.t} locale={props.locale.value} />;
}

export default StatusView;
