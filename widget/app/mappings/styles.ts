// The mappings view's styles, injected by the view itself so they load with its chunk only.
export const MAPPINGS_CSS = `
.map-list{list-style:none;margin:8px 0 0;padding:0}
.map-row{display:grid;grid-template-columns:minmax(0,1fr) auto;gap:4px 12px;align-items:end;padding:10px 0;border-top:1px solid var(--assay-border)}
.map-row:first-child{border-top:0}
.map-title{margin:0;font-size:1em;font-weight:600}
.map-meta,.map-current{margin:0;color:var(--assay-muted)}
.map-edit{display:flex;flex-wrap:wrap;gap:6px 8px;align-items:center}
.map-edit .assay-label{margin:0}
.map-edit select{min-width:12em;max-width:100%}
.map-status{grid-column:1/-1;margin:0;min-height:1.45em}
.map-status[data-status='saved']{color:var(--assay-success);font-weight:600}
.map-status[data-status='error']{color:var(--assay-danger)}
@media (max-width:480px){.map-row{grid-template-columns:1fr}}
`;
