// Server-rendered pages (login, report, the candidate's friendly link pages): one small layout, one
// stylesheet, no script. Light and dark follow the system through prefers-color-scheme.

export const esc = (s: string): string => s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

/** CSP for these pages: our stylesheet, forms posting to ourselves, nothing else, never framed. */
export const PAGE_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export function layout(o: { lang: string; title: string; css: string; body: string; header?: string }): string {
  return `<!doctype html>
<html lang="${esc(o.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(o.title)}</title>
<link rel="stylesheet" href="${esc(o.css)}">
</head>
<body>
${o.header ?? ''}<main id="main" class="page">
${o.body}
</main>
</body>
</html>`;
}

export const PAGE_CSS = `:root{color-scheme:light dark;--bg:#f6f8fa;--card:#fff;--fg:#1f2328;--muted:#57606a;--border:#8c959f;--accent:#0b5cad;--accent-fg:#fff;--danger:#b42318;--ok:#1a7f37;--bar:#d0d7de;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--card:#161b22;--fg:#e6edf3;--muted:#9da7b3;--border:#6e7681;--accent:#58a6ff;--accent-fg:#0d1117;--danger:#ff7b72;--ok:#3fb950;--bar:#30363d}}
*,*::before,*::after{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg)}
.top{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;padding:.75rem 1rem;background:var(--card);border-bottom:1px solid var(--border)}
.top form{margin:0}
.top nav{margin-right:auto}.top nav ul{display:flex;flex-wrap:wrap;gap:.25rem 1rem;list-style:none;margin:0;padding:0}.top nav a{font-weight:600;text-decoration:none;padding:.25rem 0}.top nav a[aria-current=page]{text-decoration:underline;text-underline-offset:.35em;text-decoration-thickness:3px}
.skip{position:absolute;left:.5rem;top:-3rem;background:var(--card);padding:.5rem .75rem;z-index:2}.skip:focus{top:.5rem}
.page{max-width:52rem;margin:0 auto;padding:1.25rem 1rem 3rem}
.card{background:var(--card);border:1px solid var(--border);border-radius:8px;padding:1.25rem;margin:0 0 1rem}
h1{font-size:1.6rem;line-height:1.25;margin:0 0 .75rem}
h2{font-size:1.2rem;margin:0 0 .5rem}
h3{font-size:1.05rem;margin:0 0 .25rem}
h4{font-size:1rem;margin:0}
p{margin:0 0 .75rem}
.muted{color:var(--muted)}
a{color:var(--accent)}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
input[type=email],input[type=password],input[type=text]{display:block;width:100%;max-width:24rem;padding:.55rem .6rem;border:1px solid var(--border);border-radius:6px;background:var(--card);color:var(--fg);font:inherit}
button,.button{display:inline-block;margin-top:1rem;padding:.55rem 1.1rem;border:1px solid var(--accent);border-radius:6px;background:var(--accent);color:var(--accent-fg);font:inherit;font-weight:600;cursor:pointer;text-decoration:none}
.link-button{margin:0;padding:.3rem .7rem;background:transparent;color:var(--fg);border-color:var(--border);font-weight:400}
.error{border-left:4px solid var(--danger);padding:.5rem .75rem;background:var(--card)}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}
dl.facts dt{font-weight:600}
dl.facts dd{margin:0}
.overall{display:flex;flex-wrap:wrap;align-items:baseline;gap:.5rem 1rem}
.big{font-size:2.5rem;font-weight:700;line-height:1}
.meter{display:block;width:100%;height:.6rem;border-radius:.3rem;background:var(--bar);overflow:hidden;margin:.35rem 0 .5rem}
.meter>span{display:block;height:100%;background:var(--accent)}
.w0{width:0}.w5{width:5%}.w10{width:10%}.w15{width:15%}.w20{width:20%}.w25{width:25%}.w30{width:30%}.w35{width:35%}.w40{width:40%}.w45{width:45%}.w50{width:50%}.w55{width:55%}.w60{width:60%}.w65{width:65%}.w70{width:70%}.w75{width:75%}.w80{width:80%}.w85{width:85%}.w90{width:90%}.w95{width:95%}.w100{width:100%}
.tests{list-style:none;margin:0;padding:0}
.tests>li{border-top:1px solid var(--border);padding:1rem 0}
.tests>li:first-child{border-top:0;padding-top:0}
.score-line{display:flex;justify-content:space-between;gap:1rem;font-weight:600}
.traits{list-style:none;margin:.75rem 0 0;padding:0 0 0 1rem;border-left:3px solid var(--bar)}
.traits li{margin:0 0 .75rem}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid var(--border);vertical-align:top}
.table-wrap{overflow-x:auto}
@media (max-width:30rem){dl.facts{grid-template-columns:1fr}dl.facts dd{margin-bottom:.4rem}.big{font-size:2rem}}
`;
