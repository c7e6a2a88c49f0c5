// Result cards: package name with the score as a percentage beside it, status tooltip, Open link.
import { useModel } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import '../ui/view-strings.ts';
import { OrderDetails } from '../status/view.tsx';
import { Tooltip } from '../ui/tooltip.tsx';
import { Empty, ErrorState, Loading } from '../ui/states.tsx';
import type { ViewProps } from '../view-props.ts';
import { percentage, ResultModel } from './model.ts';

export function ResultPanel({ model, t, locale }: { model: ResultModel; t: ViewProps['t']; locale: string }) {
  const phase = model.phase.value;
  const results = model.results.value;
  return (
    <section class="assay-panel" aria-labelledby="assay-result-title">
      <h2 id="assay-result-title" class="assay-view-title">{t('result.title')}</h2>
      <p class="assay-sr-only" aria-live="polite">
        {model.announcement.value}
      </p>
      {phase === 'loading' && <Loading text={t('result.loading')} />}
      {phase === 'error' && <ErrorState message={model.error.value} onRetry={model.load} t={t} />}
      {phase === 'ready' && !results.length && <Empty text={t('result.empty')} />}
      {results.map((o) => {
        const pct = percentage(o.result);
        const score = pct === null ? '—' : `${pct}%`;
        const band = o.result.band;
        return (
          <article key={o.id} class="assay-card" aria-labelledby={'assay-card-' + o.id}>
            {/* Seed 001: the score as a percentage beside the package's name; its status in the score's tooltip. */}
            <h3 id={'assay-card-' + o.id} class="assay-card-name">
              {o.package_name}
            </h3>
            <Tooltip id={'assay-rtip-' + o.id} class="assay-score" trigger={score} label={t('result.scoreFor', { name: o.package_name, pct: score })}>
              <strong>{t(`state.${o.status}`)}</strong>
              {o.result.status && o.result.status !== o.status && (
                <p>
                  {t('result.result')}: {o.result.status}
                </p>
              )}
              <p>{t('result.score', { pct: score })}</p>
              {band && <p>{t('result.band', { band })}</p>}
              <OrderDetails order={o} t={t} locale={locale} />
            </Tooltip>
            {band && <span class="assay-band">{band}</span>}
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
