// Result cards: package name with the score as a percentage beside it, status tooltip, Open link.
import { useModel } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { OrderDetails } from '../status/view.tsx';
import { StatusBadge } from '../ui/status-badge.tsx';
import { Empty, ErrorState, Loading } from '../ui/states.tsx';
import type { ViewProps } from '../view-props.ts';
import { percentage, ResultModel } from './model.ts';

export function ResultPanel({ model, t, locale }: { model: ResultModel; t: ViewProps['t']; locale: string }) {
  const phase = model.phase.value;
  const results = model.results.value;
  return (
    <section class="assay-panel" aria-labelledby="assay-result-title">
      <h2 id="assay-result-title">{t('result.title')}</h2>
      <p class="assay-sr-only" aria-live="polite">
        {model.announcement.value}
      </p>
      {phase === 'loading' && <Loading text={t('result.loading')} />}
      {phase === 'error' && <ErrorState message={model.error.value} onRetry={model.load} t={t} />}
      {phase === 'ready' && !results.length && <Empty text={t('result.empty')} />}
      {results.map((o) => {
        const pct = percentage(o.result);
        const label = t(`state.${o.status}`);
        return (
          <article key={o.id} class="assay-card" aria-labelledby={'assay-card-' + o.id}>
            <h3 id={'assay-card-' + o.id} class="assay-card-name">
              {o.package_name}
            </h3>
            <span class="assay-score">{pct === null ? '—' : `${pct}%`}</span>
            <StatusBadge id={'assay-rtip-' + o.id} status={o.status} label={label}>
              <strong>{label}</strong>
              {o.result.status && (
                <p>
                  {t('result.result')}: {o.result.status}
                </p>
              )}
              <p>{t('result.score', { pct: `${o.result.score} / ${o.result.max_score}` })}</p>
              <OrderDetails order={o} t={t} locale={locale} />
            </StatusBadge>
            <a class="assay-button assay-open" href={o.result.result_url} target="_blank" rel="noopener" onClick={() => model.opened(o)}>
              {t('result.open')}
              <span class="assay-sr-only"> {t('result.openFor', { name: o.package_name })}</span>
            </a>
          </article>
        );
      })}
    </section>
  );
}

export function ResultView(props: ViewProps) {
  const model = useModel(() => new ResultModel(props));
  useEffect(() => void model.load(), []);
  return <ResultPanel model={model} t={props.t} locale={props.locale.value} />;
}

export default ResultView;
