// 4. Widget weight: gzip bytes of the loader and of each view's JavaScript and CSS, as built (dist/).
import { existsSync, readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ensureBuilt, kb, log, ROOT, table, type BenchOptions, type BenchResult, type Figure } from './lib/common.ts';

const LOADER_GOAL = 2 * 1024;
const PICKER_GOAL = 16 * 1024;

interface Chunk {
  file: string;
  src?: string;
  name?: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}

const gz = (buf: Buffer) => gzipSync(buf, { level: 9 }).length;

export async function runWeight(opts: BenchOptions & { dist?: string }): Promise<BenchResult> {
  const t0 = Date.now();
  const dist = opts.dist ?? join(ROOT, 'dist');
  const { built } = opts.dist ? { built: false } : await ensureBuilt();
  const widgetDir = join(dist, 'widget');
  const manifest = JSON.parse(readFileSync(join(widgetDir, '.vite/manifest.json'), 'utf8')) as Record<string, Chunk>;
  const size = new Map<string, { raw: number; gzip: number; wire: number }>();
  /** What the server sends a browser (Accept-Encoding: br, gzip): the build's .br beside the file, else the file. */
  const onWire = (path: string, raw: number) => (existsSync(`${path}.br`) ? statSync(`${path}.br`).size : raw);
  const measure = (rel: string) => {
    let s = size.get(rel);
    if (!s) {
      const buf = readFileSync(join(widgetDir, rel));
      s = { raw: buf.length, gzip: gz(buf), wire: onWire(join(widgetDir, rel), buf.length) };
      size.set(rel, s);
    }
    return s;
  };

  /** Every file a chunk needs before it runs: itself, its static imports (recursively), their CSS. */
  const closure = (key: string, acc = new Set<string>()): Set<string> => {
    const c = manifest[key];
    if (!c) return acc;
    if (acc.has(c.file)) return acc;
    acc.add(c.file);
    for (const css of c.css ?? []) acc.add(css);
    for (const imp of c.imports ?? []) closure(imp, acc);
    return acc;
  };
  const sum = (files: Iterable<string>) => {
    let raw = 0;
    let gzip = 0;
    for (const f of files) {
      const s = measure(f);
      raw += s.raw;
      gzip += s.gzip;
    }
    return { raw, gzip };
  };
  const split = (files: Iterable<string>) => {
    const list = [...files];
    return { js: sum(list.filter((f) => f.endsWith('.js'))), css: sum(list.filter((f) => f.endsWith('.css'))), html: sum(list.filter((f) => f.endsWith('.html'))) };
  };

  const loaderBuf = readFileSync(join(dist, 'embed/embed.js'));
  const loader = { raw: loaderBuf.length, gzip: gz(loaderBuf), wire: onWire(join(dist, 'embed/embed.js'), loaderBuf.length) };
  const wireOf = (files: Iterable<string>) => [...files].reduce((n, f) => n + measure(f).wire, 0);
  const wireRows: (string | number)[][] = [['loader `/embed.js`', kb(loader.raw), kb(loader.wire), `≤ 2 KB ${loader.wire <= LOADER_GOAL ? '✅' : '❌'}`]];
  const shellFiles = new Set(['index.html', ...closure('index.html')]);
  const shell = split(shellFiles);

  const rows: (string | number)[][] = [];
  const figures: Figure[] = [
    { key: 'weight.loader', label: 'Loader (embed.js), gzip', value: loader.gzip, unit: 'bytes', text: kb(loader.gzip), goal: { op: '<=', value: LOADER_GOAL, text: '≤ 2 KB' } },
    { key: 'weight.wire.loader', label: 'Loader (embed.js) on the wire (Accept-Encoding: br, gzip)', value: loader.wire, unit: 'bytes', text: kb(loader.wire), goal: { op: '<=', value: LOADER_GOAL, text: '≤ 2 KB' } },
  ];
  rows.push(['loader `/embed.js` (on the host page)', kb(loader.raw), kb(loader.gzip), '', '', kb(loader.gzip), `≤ 2 KB ${loader.gzip <= LOADER_GOAL ? '✅' : '❌'}`]);
  rows.push([
    'widget shell: index.html + entry + shared chunks + CSS (every view)',
    kb(shell.js.raw + shell.css.raw + shell.html.raw),
    kb(shell.js.gzip + shell.html.gzip),
    kb(shell.css.gzip),
    '',
    kb(shell.js.gzip + shell.css.gzip + shell.html.gzip),
    '',
  ]);

  const views = Object.entries(manifest)
    .filter(([k]) => /^app\/[^/]+\/view\.tsx$/.test(k))
    .map(([k, c]) => ({ name: k.split('/')[1]!, key: k, chunk: c }))
    .sort((a, b) => a.name.localeCompare(b.name));
  for (const v of views) {
    const own = split([v.chunk.file, ...(v.chunk.css ?? [])]);
    const all = new Set([...shellFiles, ...closure(v.key)]);
    const extra = split([...all].filter((f) => !shellFiles.has(f)));
    const total = split(all);
    const totalGz = total.js.gzip + total.css.gzip + total.html.gzip;
    const isPicker = v.name === 'picker';
    rows.push([
      `view \`${v.name}\`: its own chunk${extra.js.gzip > own.js.gzip ? ' (+ chunks only it imports)' : ''}; everything the iframe loads to show it`,
      kb(extra.js.raw + extra.css.raw),
      kb(extra.js.gzip),
      kb(extra.css.gzip),
      kb(own.js.gzip + own.css.gzip),
      kb(totalGz),
      '',
    ]);
    const wire = wireOf(all);
    wireRows.push([`view \`${v.name}\`: page + shell + view`, kb(total.js.raw + total.css.raw + total.html.raw), kb(wire), isPicker ? `≤ 16 KB ${wire <= PICKER_GOAL ? '✅' : '❌'}` : '']);
    figures.push({
      key: `weight.wire.view.${v.name}`,
      label: `View \`${v.name}\` on the wire: everything the iframe loads to show it`,
      value: wire,
      unit: 'bytes',
      text: kb(wire),
      ...(isPicker ? { goal: { op: '<=' as const, value: PICKER_GOAL, text: '≤ 16 KB' } } : {}),
    });
    figures.push({
      key: `weight.view.${v.name}`,
      label: `View \`${v.name}\`: everything the iframe loads to show it, gzip -9 per file (the goal is on the bytes sent, above)`,
      value: totalGz,
      unit: 'bytes',
      text: `${kb(totalGz)} (own chunk ${kb(own.js.gzip + own.css.gzip)})`,
    });
  }
  if (manifest['candidate.html']) {
    const cand = split(new Set(['candidate.html', ...closure('candidate.html')]));
    const totalGz = cand.js.gzip + cand.css.gzip + cand.html.gzip;
    rows.push(['candidate page (`/t/…` app): candidate.html + entry + chunks + CSS', kb(cand.js.raw + cand.css.raw + cand.html.raw), kb(cand.js.gzip + cand.html.gzip), kb(cand.css.gzip), '', kb(totalGz), '']);
    figures.push({ key: 'weight.candidate', label: 'Candidate page app, gzip', value: totalGz, unit: 'bytes' });
  }
  for (const [k, c] of Object.entries(manifest)) {
    if (c.isDynamicEntry && !/view\.tsx$/.test(k)) {
      const s = measure(c.file);
      rows.push([`on demand: \`${k}\``, kb(s.raw), kb(s.gzip), '', '', '', '']);
    }
  }

  const stale = staleness(dist);
  const body = [
    `Sizes of the built files (${built ? 'built by this run with `npm run build`' : 'dist/ as found'}), gzip level 9 per file, read through the Vite manifest (\`dist/widget/.vite/manifest.json\`). "Own" is the view's chunk and its CSS; "to show it" adds the shell every view needs (index.html, entry, shared runtime chunk, shared CSS).`,
    stale ? `\n> dist/ is older than the newest source under widget/ or shared/ (${stale}): run \`npm run build\` and rerun \`npm run bench -- weight\` for current figures.` : '',
    '',
    table(['file set', 'raw (JS+CSS)', 'gzip JS', 'gzip CSS', 'own gzip', 'to show it, gzip', 'goal'], rows),
    '',
    'On the wire: the bytes the server sends a browser (`Accept-Encoding: br, gzip`), i.e. the build\'s pre-compressed `.br` beside each file (scripts/precompress.ts; test/browser/budgets.test.ts checks the same over HTTP).',
    '',
    table(['file set', 'raw', 'on the wire', 'goal'], wireRows),
  ].join('\n');
  log(`weight: loader ${kb(loader.gzip)} gzip; ${views.length} views`);
  return { name: 'weight', title: 'Widget weight', ranAt: new Date().toISOString(), size: opts.size, seconds: (Date.now() - t0) / 1000, body, figures };
}

/** Names the newest widget/shared source that is newer than the build, if any. */
function staleness(dist: string): string | null {
  const manifest = join(dist, 'widget/.vite/manifest.json');
  if (!existsSync(manifest)) return null;
  const builtAt = statSync(manifest).mtimeMs;
  let newest: { file: string; at: number } | null = null;
  const walk = (dir: string) => {
    for (const e of readdirSafe(dir)) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const at = statSync(p).mtimeMs;
        if (!newest || at > newest.at) newest = { file: p.slice(ROOT.length), at };
      }
    }
  };
  walk(join(ROOT, 'widget'));
  walk(join(ROOT, 'shared'));
  const n = newest as { file: string; at: number } | null;
  return n && n.at > builtAt ? n.file : null;
}

function readdirSafe(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}
