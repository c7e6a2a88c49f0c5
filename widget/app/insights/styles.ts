// The Insights view's styles, injected by the view itself so they load with its chunk only.
import { chartCss } from '../../../shared/insights-charts.ts';

export const INSIGHTS_CSS =
  chartCss({ fg: 'var(--assay-fg)', muted: 'var(--assay-muted)', border: 'var(--assay-border)', accent: 'var(--assay-accent)', surface: 'var(--assay-surface)', warn: 'var(--assay-warning)' }) +
  `
.ins-filters{margin:0 0 12px;padding:8px 12px 4px;border:1px solid var(--assay-border);border-radius:var(--assay-radius)}
.ins-filters legend{padding:0 4px;font-weight:600}
.ins-fields{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:8px 12px}
.ins-summary{display:grid;grid-template-columns:repeat(auto-fit,minmax(130px,1fr));gap:8px;margin:0 0 8px}
.ins-summary>div{padding:8px;border:1px solid var(--assay-border);border-radius:var(--assay-radius);background:var(--assay-surface)}
.ins-summary dt{color:var(--assay-muted);font-size:.93em}
.ins-summary dd{margin:0;font-size:1.3em;font-weight:700}
.ins-chart{margin:16px 0 0;padding-top:12px;border-top:1px solid var(--assay-border)}
.ins-head{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:baseline;gap:4px 12px}
.ins-head h3{margin:0 0 8px}
.ins-note{font-size:.93em}
.ins-details{margin:4px 0 0}
.ins-details>summary{cursor:pointer;color:var(--assay-accent);padding:2px 0}
.ins-table-wrap{overflow-x:auto}
.ins-table{border-collapse:collapse;width:100%;margin:8px 0}
.ins-table caption{text-align:left;font-weight:600;padding-bottom:4px}
.ins-quiet caption{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.ins-table th,.ins-table td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--assay-border);vertical-align:top}
.ins-table td{font-variant-numeric:tabular-nums}
`;
