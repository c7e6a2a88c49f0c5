// Insights markup: filters, summary figures, SVG charts each followed by a table with the same numbers.
import { useModel } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { ChartView, Shape, Table } from '../../../shared/insights-charts.ts';
import type { InsightsTranslate } from '../../../shared/insights-strings.ts';
import { Empty, ErrorState, Loading } from '../ui/states.tsx';
import type { ViewProps } from '../view-props.ts';
import { InsightsModel } from './model.ts';
import { INSIGHTS_CSS } from './styles.ts';

function ShapeEl({ s }: { s: Shape }) {
  if (s.k === 'rect') return <rect x={s.x} y={s.y} width={s.w} height={s.h} class={s.c} />;
  if (s.k === 'line') return <line x1={s.x1} y1={s.y1} x2={s.x2} y2={s.y2} class={s.c} />;
  return (
    <text x={s.x} y={s.y} class={s.c} text-anchor={s.a ?? 'start'}>
      {s.s}
    </text>
  );
}

/** A table with the chart's numbers; `quiet` hides the caption visually where a heading already says it. */
export function DataTable({ table, label, quiet }: { table: Table; label: string; quiet?: boolean }) {
  return (
    <div class="ins-table-wrap" role="region" aria-label={label} tabIndex={0}>
      <table class={quiet ? 'ins-table ins-quiet' : 'ins-table'}>
        <caption>{table.caption}</caption>
        <thead>
          <tr>
            {table.head.map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((r, i) => (
            <tr key={i}>
              <th scope="row">{r[0]}</th>
              {r.slice(1).map((c, j) => (
                <td key={j}>{c}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function CsvButton({ model, id, title }: { model: InsightsModel; id: ChartView['id']; title: string }) {
  return (
    <button type="button" class="assay-link-button" aria-label={model.it('csvFor', { title })} disabled={model.downloading.value === id} onClick={() => void model.download(id)}>
      {model.it('csv')}
    </button>
  );
}

export function Chart({ chart, model }: { chart: ChartView; model: InsightsModel }) {
  const it = model.it;
  const id = `ins-${chart.id}`;
  return (
    <section class="ins-chart" aria-labelledby={id + '-h'} data-chart={chart.id}>
      <div class="ins-head">
        <h3 id={id + '-h'}>{chart.title}</h3>
        <CsvButton model={model} id={chart.id} title={chart.title} />
      </div>
      <svg class="ins-svg" role="img" aria-labelledby={`${id}-t ${id}-d`} viewBox={`0 0 ${chart.w} ${chart.h}`} width={chart.w} height={chart.h}>
        <title id={id + '-t'}>{chart.title}</title>
        <desc id={id + '-d'}>{chart.desc}</desc>
        {chart.shapes.map((s, i) => (
          <ShapeEl key={i} s={s} />
        ))}
      </svg>
      {chart.notes.map((n) => (
        <p key={n} class="assay-muted ins-note">
          {n}
        </p>
      ))}
      <details class="ins-details">
        <summary>{it('table', { title: chart.title })}</summary>
        <DataTable table={chart.table} label={it('table', { title: chart.title })} />
      </details>
    </section>
  );
}

function Filters({ model }: { model: InsightsModel }) {
  const it = model.it;
  const d = model.draft.value;
  const err = model.filterError.value;
  const select = (key: 'package_id' | 'job_id', label: string, options: { id: string; name: string }[]) => (
    <div>
      <label class="assay-label" for={'ins-' + key}>
        {label}
      </label>
      <select id={'ins-' + key} class="assay-input" value={d[key] ?? ''} onChange={(e) => model.edit({ [key]: e.currentTarget.value })}>
        <option value="">{it('filter.all')}</option>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
    </div>
  );
  const date = (key: 'from' | 'to', label: string) => (
    <div>
      <label class="assay-label" for={'ins-' + key}>
        {label}
      </label>
      <input
        id={'ins-' + key}
        class="assay-input"
        type="date"
        value={d[key] ?? ''}
        aria-invalid={err ? 'true' : undefined}
        aria-describedby={err ? 'ins-filter-error' : undefined}
        onInput={(e) => model.edit({ [key]: e.currentTarget.value })}
      />
    </div>
  );
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void model.apply();
      }}
    >
      <fieldset class="ins-filters">
        <legend>{it('filter.legend')}</legend>
        <div class="ins-fields">
          {select('package_id', it('filter.package'), model.packages.value)}
          {select('job_id', it('filter.job'), model.jobs.value)}
          {date('from', it('filter.from'))}
          {date('to', it('filter.to'))}
        </div>
        {err && (
          <p id="ins-filter-error" class="assay-refusal" role="alert">
            {err}
          </p>
        )}
        <div class="assay-actions">
          <button type="submit" class="assay-button">
            {it('filter.apply')}
          </button>
          <button type="button" class="assay-button assay-secondary" onClick={() => void model.reset()}>
            {it('filter.reset')}
          </button>
        </div>
      </fieldset>
    </form>
  );
}

export function InsightsPanel({ model, t }: { model: InsightsModel; t: ViewProps['t'] }) {
  const it: InsightsTranslate = model.it;
  const phase = model.phase.value;
  const view = model.view.value;
  return (
    <section class="assay-panel" aria-labelledby="ins-title">
      <style>{INSIGHTS_CSS}</style>
      <h2 id="ins-title" class="assay-view-title">{it('title')}</h2>
      {phase === 'forbidden' ? (
        <p class="assay-note">{it('viewer')}</p>
      ) : (
        <>
          <p class="assay-muted">{it('intro')}</p>
          <p class="assay-sr-only" aria-live="polite">
            {model.announcement.value}
          </p>
          <Filters model={model} />
          {model.downloadError.value && (
            <p class="assay-refusal" role="alert">
              {model.downloadError.value}
            </p>
          )}
          {phase === 'loading' && <Loading text={it('loading')} />}
          {phase === 'error' && <ErrorState message={model.error.value} onRetry={model.load} t={t} />}
          {phase === 'ready' && view?.empty && <Empty text={it('empty')} />}
          {phase === 'ready' && view && !view.empty && (
            <>
              <dl class="ins-summary">
                {view.summary.map((s) => (
                  <div key={s.label}>
                    <dt>{s.label}</dt>
                    <dd>{s.value}</dd>
                  </div>
                ))}
              </dl>
              {view.charts.map((c) => (
                <Chart key={c.id} chart={c} model={model} />
              ))}
              {view.breakdowns.map((b) => (
                <section key={b.id} class="ins-chart" aria-labelledby={`ins-${b.id}-h`} data-chart={b.id}>
                  <div class="ins-head">
                    <h3 id={`ins-${b.id}-h`}>{b.title}</h3>
                    <CsvButton model={model} id={b.id} title={b.title} />
                  </div>
                  <DataTable table={b.table} label={model.it('table', { title: b.title })} quiet />
                </section>
              ))}
            </>
          )}
        </>
      )}
    </section>
  );
}

export function InsightsView(props: ViewProps) {
  const model = useModel(() => new InsightsModel(props));
  useEffect(() => void model.start(), []);
  return <InsightsPanel model={model} t={props.t} />;
}

export default InsightsView;
