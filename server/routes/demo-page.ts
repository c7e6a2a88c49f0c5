// /demo: a page that plays an ATS candidate profile (as Recruitee shows one) and embeds the widget
// through the public loader, exactly as an integrator would. Served only in the embedded default.

export const DEMO_CANDIDATES = [
  { key: 'sam', id: 'cand-1001', application: 'app-1001', email: 'sam.jansen@example.com', first_name: 'Sam', last_name: 'Jansen' },
  { key: 'robin', id: 'cand-1002', application: 'app-1002', email: null, first_name: 'Robin', last_name: 'Peeters' },
] as const;

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

export function demoPage(company: string): string {
  const items = DEMO_CANDIDATES.map(
    (d, i) =>
      `<li><button type="button" class="cand" data-candidate="${d.key}" aria-pressed="${i === 0}">${esc(d.first_name)} ${esc(d.last_name)}<span>${d.email ? esc(d.email) : 'no e-mail address'}</span></button></li>`,
  ).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Demo ATS — candidate profile</title>
<link rel="stylesheet" href="/demo/demo.css">
<script src="/embed.js" defer></script>
<script src="/demo/demo.js" defer></script>
</head>
<body>
<header class="top"><strong>DemoATS</strong><span>${esc(company)} · Frontend Engineer</span><label class="theme">Theme <select id="theme"><option value="auto">Auto</option><option value="light">Light</option><option value="dark">Dark</option></select></label></header>
<div class="layout">
<nav aria-label="Candidates"><h2>Candidates</h2><ul>${items}</ul></nav>
<main>
<section class="profile" aria-labelledby="cand-name">
<div class="head">
<div><h1 id="cand-name">Sam Jansen</h1><p id="cand-meta">sam.jansen@example.com · Applied for Frontend Engineer</p></div>
<div class="more">
<button type="button" id="more" aria-haspopup="menu" aria-expanded="false" aria-controls="more-menu">More ▾</button>
<ul id="more-menu" role="menu" hidden>
<li role="none"><button type="button" role="menuitem" id="send-test">Send Assay test</button></li>
<li role="none"><button type="button" role="menuitem" disabled>Schedule interview</button></li>
</ul>
</div>
</div>
<dialog id="picker-dialog" aria-labelledby="picker-title">
<div class="dialog-head"><h2 id="picker-title">Send Assay test</h2><button type="button" id="close-dialog" aria-label="Close">×</button></div>
<div id="assay-picker"></div>
</dialog>
<h2>Assessments</h2>
<div id="assay-status"></div>
<h2>Results</h2>
<div id="assay-result"></div>
</section>
<section class="profile insights" aria-labelledby="insights-title">
<h2 id="insights-title">Insights</h2>
<p class="note">Account-wide figures, as an admin sees them in the ATS.</p>
<div id="assay-insights"></div>
</section>
</main>
</div>
</body>
</html>`;
}

export const DEMO_CSS = `:root{color-scheme:light dark;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif}
body{margin:0;background:#f4f5f7;color:#1c1e21}
@media (prefers-color-scheme:dark){body{background:#16181c;color:#e8eaed}.profile,nav,dialog{background:#202328!important;color:#e8eaed}}
.top{display:flex;gap:1rem;align-items:center;padding:.75rem 1.25rem;background:#1f3a5f;color:#fff}
.top .theme{margin-left:auto;font-size:.875rem}
.layout{display:grid;grid-template-columns:240px 1fr;gap:1rem;padding:1rem;max-width:1100px;margin:0 auto}
@media (max-width:700px){.layout{grid-template-columns:1fr}}
nav{background:#fff;border-radius:8px;padding:.75rem}
nav h2{font-size:1rem;margin:.25rem 0 .5rem}
nav ul{list-style:none;margin:0;padding:0}
.cand{display:block;width:100%;text-align:left;border:0;background:none;padding:.5rem;border-radius:6px;font:inherit;color:inherit;cursor:pointer}
.cand span{display:block;font-size:.8rem;opacity:.75}
.cand[aria-pressed=true]{background:#e3ecf7;color:#10243d}
.profile{background:#fff;border-radius:8px;padding:1.25rem}
.head{display:flex;justify-content:space-between;align-items:flex-start;gap:1rem}
h1{margin:0;font-size:1.5rem}
.more{position:relative}
#more{padding:.5rem .9rem;border-radius:6px;border:1px solid #8a94a3;background:transparent;color:inherit;font:inherit;cursor:pointer}
#more-menu{position:absolute;right:0;top:100%;margin:.25rem 0 0;padding:.25rem;list-style:none;background:#fff;color:#1c1e21;border:1px solid #c9ced6;border-radius:6px;min-width:200px;box-shadow:0 6px 18px rgba(0,0,0,.15);z-index:2}
#more-menu button{display:block;width:100%;text-align:left;border:0;background:none;padding:.5rem .75rem;font:inherit;color:inherit;cursor:pointer;border-radius:4px}
#more-menu button:hover,#more-menu button:focus{background:#e3ecf7}
#more-menu button:disabled{opacity:.5}
dialog{border:0;border-radius:10px;padding:1rem;width:min(640px,92%);box-shadow:0 12px 40px rgba(0,0,0,.3)}
dialog::backdrop{background:rgba(0,0,0,.35)}
.dialog-head{display:flex;justify-content:space-between;align-items:center}
.dialog-head h2{margin:0;font-size:1.1rem}
#close-dialog{border:0;background:none;font-size:1.5rem;cursor:pointer;color:inherit}
h2{font-size:1.05rem;margin:1.25rem 0 .5rem}
.insights{margin-top:1rem}
.insights h2{margin-top:0}
.note{margin:0 0 .5rem;font-size:.9rem}
:focus-visible{outline:3px solid #2f6fde;outline-offset:2px}`;

export const DEMO_JS = `(function(){
// Runs after /embed.js (both deferred, in order), so Assay('mount') returns a handle we can destroy.
var state={candidate:'sam',theme:'auto'};var handles=[];
var people={sam:{name:'Sam Jansen',meta:'sam.jansen@example.com · Applied for Frontend Engineer'},robin:{name:'Robin Peeters',meta:'No e-mail address on file · Applied for Frontend Engineer'}};
var slots=[['#assay-picker','picker'],['#assay-status','status'],['#assay-result','result'],['#assay-insights','insights','&role=admin']];
function mountAll(){
 handles.forEach(function(h){if(h)h.destroy()});
 handles=slots.map(function(p){
  return Assay('mount',p[0],{view:p[1],account:'demo',context:{url:'/demo/context?candidate='+encodeURIComponent(state.candidate)+(p[2]||'')},theme:state.theme,title:'Assay '+p[1],
   on:{'order.created':function(){var d=document.getElementById('picker-dialog');setTimeout(function(){if(d.open)d.close()},1500)}}});
 });
}
document.addEventListener('DOMContentLoaded',function(){
 var more=document.getElementById('more'),menu=document.getElementById('more-menu'),dlg=document.getElementById('picker-dialog');
 function closeMenu(){menu.hidden=true;more.setAttribute('aria-expanded','false')}
 more.addEventListener('click',function(){var open=menu.hidden;menu.hidden=!open;more.setAttribute('aria-expanded',String(open));if(open)menu.querySelector('button').focus()});
 menu.addEventListener('keydown',function(e){if(e.key==='Escape'){closeMenu();more.focus()}});
 document.addEventListener('click',function(e){if(!e.target.closest('.more'))closeMenu()});
 document.getElementById('send-test').addEventListener('click',function(){closeMenu();dlg.showModal()});
 document.getElementById('close-dialog').addEventListener('click',function(){dlg.close()});
 document.getElementById('theme').addEventListener('change',function(e){state.theme=e.target.value;mountAll()});
 document.querySelectorAll('.cand').forEach(function(b){b.addEventListener('click',function(){
  state.candidate=b.getAttribute('data-candidate');document.querySelectorAll('.cand').forEach(function(x){x.setAttribute('aria-pressed',String(x===b))});
  var p=people[state.candidate];document.getElementById('cand-name').textContent=p.name;document.getElementById('cand-meta').textContent=p.meta;mountAll()})});
 mountAll();
});
})();`;
