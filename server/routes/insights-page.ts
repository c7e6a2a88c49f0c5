// The provider dashboard's Insights page at /insights, server-rendered beside the reports: the same
// charts as the widget's Insights view (shared/insights-charts.ts), SVG drawn here, no script, and a
// CSV per chart at /insights/<chart>.csv. Login and account come from the dashboard's session cookie.
import { Hono, type Context } from 'hono';
import * as v from 'valibot';
import { chartCss, insightsQuery, insightsView, type ChartId, type ChartView, type InsightsFilter, type Shape, type Table } from '../../shared/insights-charts.ts';
import { insightsTranslator } from '../../shared/insights-strings.ts';
import { ApiError } from '../errors.ts';
import { chartCsv, CHARTS, type Chart } from '../insights/compute.ts';
import type { Services } from '../services.ts';
import type { InsightsFilter as StoreFilter } from '../store/types.ts';
import { insightsFor, InsightsQuerySchema, toFilter } from './insights-api.ts';
import { esc, layout, PAGE_CSP, PAGE_CSS } from './page-layout.ts';
import { dashboardHeader, sessionUser } from './report.ts';

const CSS_PATH = '/insights/insights.css';
/** The report a visitor came from, offered as the way back. */
const BACK = /^\/report\/ord_[0-9a-z]{8,40}$/;
const FIELDS = ['package_id', 'job_id', 'from', 'to'] as const;
const t = insightsTranslator(() => 'en');

export const INSIGHTS_PAGE_CSS =
  PAGE_CSS +
  `:root{--warn:#8a5a00}
@media (prefers-color-scheme:dark){:root{--warn:#d29922}}
.page{max-width:60rem}
.top nav{margin-left:auto}
.top nav a{font-weight:600}
fieldset{border:0;margin:0;padding:0}
legend{font-weight:600;font-size:1.2rem;padding:0;margin:0 0 .25rem}
.fields{display:grid;grid-template-columns:repeat(auto-fit,minmax(11rem,1fr));gap:0 1rem}
select,input[type=date]{display:block;width:100%;padding:.5rem .6rem;border:1px solid var(--border);border-radius:6px;background:var(--card);color:var(--fg);font:inherit}
.actions{display:flex;flex-wrap:wrap;gap:1rem;align-items:baseline}
.button.secondary{background:transparent;color:var(--accent)}
.summary{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.75rem;margin:0 0 1rem}
.summary>div{background:var(--card);border:1px solid var(--border);border-radius:8px;padding:.75rem 1rem}
.summary dt{color:var(--muted)}
.summary dd{margin:0;font-size:1.6rem;font-weight:700}
.ins-head{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:baseline;gap:.25rem 1rem}
details{margin-top:.5rem}
summary{cursor:pointer;color:var(--accent)}
caption{text-align:left;font-weight:600;padding:.5rem 0 .25rem}
.quiet caption{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
td{font-variant-numeric:tabular-nums}
` +
  chartCss({ fg: 'var(--fg)', muted: 'var(--muted)', border: 'var(--border)', accent: 'var(--accent)', surface: 'var(--card)', warn: 'var(--warn)' }) +
  '\n';

const attr = (n: number) => String(n);

function svgShape(s: Shape): string {
  if (s.k === 'rect') return `<rect x="${attr(s.x)}" y="${attr(s.y)}" width="${attr(s.w)}" height="${attr(s.h)}" class="${esc(s.c)}"/>`;
  if (s.k === 'line') return `<line x1="${attr(s.x1)}" y1="${attr(s.y1)}" x2="${attr(s.x2)}" y2="${attr(s.y2)}" class="${esc(s.c)}"/>`;
  return `<text x="${attr(s.x)}" y="${attr(s.y)}" class="${esc(s.c)}" text-anchor="${s.a ?? 'start'}">${esc(s.s)}</text>`;
}

function tableHtml(table: Table, label: string, quiet = false): string {
  const head = table.head.map((h) => `<th scope="col">${esc(h)}</th>`).join('');
  const rows = table.rows.map((r) => `<tr><th scope="row">${esc(r[0] ?? '')}</th>${r.slice(1).map((cell) => `<td>${esc(cell)}</td>`).join('')}</tr>`).join('');
  return `<div class="table-wrap" role="region" aria-label="${esc(label)}" tabindex="0"><table${quiet ? ' class="quiet"' : ''}><caption>${esc(table.caption)}</caption><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></div>`;
}

const csvLink = (id: ChartId, title: string, query: string) =>
  `<a href="/insights/${id}.csv${esc(query)}" download="assay-${id}.csv" aria-label="${esc(t('csvFor', { title }))}">${esc(t('csv'))}</a>`;

function chartHtml(c: ChartView, query: string): string {
  const id = `ins-${c.id}`;
  return `<section class="card" aria-labelledby="${id}-h" data-chart="${c.id}">
<div class="ins-head"><h2 id="${id}-h">${esc(c.title)}</h2>${csvLink(c.id, c.title, query)}</div>
<svg class="ins-svg" role="img" aria-labelledby="${id}-t ${id}-d" viewBox="0 0 ${c.w} ${c.h}" width="${c.w}" height="${c.h}"><title id="${id}-t">${esc(c.title)}</title><desc id="${id}-d">${esc(c.desc)}</desc>${c.shapes.map(svgShape).join('')}</svg>
${c.notes.map((n) => `<p class="muted">${esc(n)}</p>`).join('')}
<details><summary>${esc(t('table', { title: c.title }))}</summary>${tableHtml(c.table, t('table', { title: c.title }))}</details>
</section>`;
}

/** The filter fields as given (empty ones dropped) and the store's filter, or why they are not valid. */
function readFilter(c: Context): { form: InsightsFilter; filter: StoreFilter | null; error: string | null } {
  const form: InsightsFilter = {};
  for (const k of FIELDS) {
    const value = c.req.query(k)?.trim();
    if (value) form[k] = value;
  }
  const parsed = v.safeParse(InsightsQuerySchema, form);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const key = String(issue.path?.[0]?.key ?? '');
    const label = ({ package_id: t('filter.package'), job_id: t('filter.job'), from: t('filter.from'), to: t('filter.to') } as Record<string, string>)[key];
    return { form, filter: null, error: `${label ? label + ': ' : ''}${issue.message}` };
  }
  try {
    return { form, filter: toFilter(parsed.output), error: null };
  } catch (err) {
    if (err instanceof ApiError) return { form, filter: null, error: err.message };
    throw err;
  }
}

export function insightsPages(svc: Services) {
  const app = new Hono();

  const loginFirst = (c: Context) => {
    const url = new URL(c.req.url);
    return c.redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, 302);
  };

  app.get(CSS_PATH, (c) => c.body(INSIGHTS_PAGE_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=300' }));

  app.get('/insights', async (c) => {
    const me = await sessionUser(svc, c);
    if (!me) return loginFirst(c);
    const accountId = me.user.account_id;
    const { form, filter, error } = readFilter(c);
    const back = c.req.query('back');
    const backTo = back && BACK.test(back) ? back : null;
    const filtered = Object.keys(form).length > 0;
    // Unfiltered figures give the filter its choices (every job and package with orders).
    const [packages, all] = await Promise.all([svc.store.packages.list(accountId), insightsFor(svc, accountId, {})]);
    const data = filter ? (filtered ? await insightsFor(svc, accountId, filter) : all) : null;

    const pkgOptions = new Map<string, string>(packages.map((p) => [p.id, p.name]));
    for (const p of all.by_package) if (!pkgOptions.has(p.package_id)) pkgOptions.set(p.package_id, p.package_name);
    const jobOptions = new Map<string, string>();
    for (const j of all.by_job) if (j.job_id) jobOptions.set(j.job_id, j.job_name || j.job_id);
    const options = (m: Map<string, string>, current: string | undefined) =>
      [...m]
        .sort((a, b) => a[1].localeCompare(b[1]))
        .map(([id, name]) => `<option value="${esc(id)}"${id === current ? ' selected' : ''}>${esc(name)}</option>`)
        .join('');
    const invalid = error ? ' aria-invalid="true" aria-describedby="filter-error"' : '';
    const formHtml = `<form method="get" action="/insights" class="card">
<fieldset><legend>${esc(t('filter.legend'))}</legend>
${backTo ? `<input type="hidden" name="back" value="${esc(backTo)}">` : ''}<div class="fields">
<div><label for="package_id">${esc(t('filter.package'))}</label><select id="package_id" name="package_id"><option value="">${esc(t('filter.all'))}</option>${options(pkgOptions, form.package_id)}</select></div>
<div><label for="job_id">${esc(t('filter.job'))}</label><select id="job_id" name="job_id"><option value="">${esc(t('filter.all'))}</option>${options(jobOptions, form.job_id)}</select></div>
<div><label for="from">${esc(t('filter.from'))}</label><input id="from" name="from" type="date" value="${esc(form.from ?? '')}"${invalid}></div>
<div><label for="to">${esc(t('filter.to'))}</label><input id="to" name="to" type="date" value="${esc(form.to ?? '')}"${invalid}></div>
</div>
${error ? `<p class="error" role="alert" id="filter-error">${esc(error)}</p>` : ''}<div class="actions"><button type="submit">${esc(t('filter.apply'))}</button><a class="button secondary" href="/insights${backTo ? `?back=${encodeURIComponent(backTo)}` : ''}">${esc(t('filter.reset'))}</a></div>
</fieldset>
</form>`;

    let body = '';
    if (data) {
      const view = insightsView(data, t, 'en');
      const query = insightsQuery(form);
      if (view.empty) body = `<section class="card"><p>${esc(t('empty'))}</p></section>`;
      else
        body = `<dl class="summary">${view.summary.map((s) => `<div><dt>${esc(s.label)}</dt><dd>${esc(s.value)}</dd></div>`).join('')}</dl>
${view.charts.map((ch) => chartHtml(ch, query)).join('\n')}
${view.breakdowns
  .map((b) => `<section class="card" aria-labelledby="ins-${b.id}-h" data-chart="${b.id}"><div class="ins-head"><h2 id="ins-${b.id}-h">${esc(b.title)}</h2>${csvLink(b.id, b.title, query)}</div>${tableHtml(b.table, t('table', { title: b.title }), true)}</section>`)
  .join('\n')}`;
    }
    c.header('Content-Security-Policy', PAGE_CSP);
    c.header('Cache-Control', 'no-store');
    return c.html(
      layout({
        lang: 'en',
        title: 'Insights — Assay',
        css: CSS_PATH,
        header: dashboardHeader(me.user, { insights: true }),
        body: `${backTo ? `<p><a href="${esc(backTo)}">← Back to the report</a></p>\n` : ''}<h1>${esc(t('title'))}</h1>
<p class="muted">${esc(t('intro'))}</p>
${formHtml}
${body}`,
      }),
      error ? 400 : 200,
    );
  });

  app.get('/insights/:chart{[a-z_]+\\.csv}', async (c) => {
    const me = await sessionUser(svc, c);
    if (!me) return loginFirst(c);
    const chart = c.req.param('chart').replace(/\.csv$/, '') as Chart;
    c.header('Cache-Control', 'no-store');
    if (!CHARTS.includes(chart)) return c.text(`There is no chart "${chart}"; use one of ${CHARTS.join(', ')}.`, 404);
    const { filter, error } = readFilter(c);
    if (!filter) return c.text(error ?? 'Bad filter.', 400);
    const data = await insightsFor(svc, me.user.account_id, filter);
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="assay-${chart}.csv"`);
    return c.body(chartCsv(data, chart));
  });

  return app;
}
