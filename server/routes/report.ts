// The provider's side: /login, /logout and the full report at /report/<order-id>, server-rendered.
// Only a logged-in user of the order's own account sees a report; anyone else gets a 404.
import { isCurrent, NAV } from '../../shared/dashboard-nav.ts';
import { roleOf } from '../dashboard/roles.ts';
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { DUMMY_HASH, verifyPassword } from '../accounts/passwords.ts';
import { sha256Hex } from '../crypto/secrets.ts';
import { ApiError } from '../errors.ts';
import { fromOwnPages, readBounded } from '../http/middleware.ts';
import { clientAddress } from '../http/rate-limit.ts';
import { randomToken } from '../ids.ts';
import type { Services } from '../services.ts';
import type { PackageContent, TestReport } from '../../shared/content/schema.ts';
import { LEVEL_LABELS, levelOf, percentileRank, PERCENTILE_MIN_GROUP } from '../../shared/result/levels.ts';
import { describeProctoring, formatSeconds, readResultSummary, type ResultSummary } from '../../shared/result/summary.ts';
import type { LimitsRepo, UserRow } from '../store/types.ts';
import { esc, layout, PAGE_CSP, PAGE_CSS } from './page-layout.ts';

export const SESSION_TTL_MS = 8 * 3_600_000;
const CSS_PATH = '/report/report.css';
const ORDER_ID = /^ord_[0-9a-z]{8,40}$/;

/** The cookie's name; `__Host-` (secure, whole host, no Domain) where the site runs on https. */
export const sessionCookieName = (https: boolean) => (https ? '__Host-assay_session' : 'assay_session');

/**
 * Where to go after login: only a same-origin path ("/report/ord_…"), never "//evil", "/\evil",
 * "https://…" or anything with control characters; the login and logout pages themselves are refused.
 */
export function safeReturnPath(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 512) return null;
  if (!raw.startsWith('/') || raw.startsWith('//') || /[\\\x00-\x1f\x7f\s]/.test(raw)) return null;
  let url: URL;
  try {
    url = new URL(raw, 'http://assay.invalid');
  } catch {
    return null;
  }
  if (url.origin !== 'http://assay.invalid') return null;
  if (url.pathname === '/login' || url.pathname === '/logout') return null;
  // Checked again after normalisation: `/.//evil.example` and `/a/../..//evil.example` normalise to
  // `//evil.example…`, which a browser reads as another host.
  const target = url.pathname + url.search;
  if (!target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\')) return null;
  if (new URL(target, 'http://assay.invalid').origin !== 'http://assay.invalid') return null;
  return target;
}

/**
 * Failed logins per key (account+e-mail, or client address), counted in the store's limits (shared by every
 * instance with DATABASE_URL). Fixed: the `max`-th failure within the window locks the key for the window.
 * Growing (`growth` given): from the `max`-th failure on, each failure makes the next attempt wait
 * base × 2^(failures − max), at most `capMs` — a delay that slows guessing without letting anyone who knows
 * an address lock its owner out; the window then runs from the last failure. Only the first lock or delay is
 * reported (one audit entry).
 */
export class LoginThrottle {
  constructor(
    readonly limits: LimitsRepo,
    readonly name: string,
    readonly max = 5,
    readonly windowMs = 15 * 60_000,
    readonly growth: { baseMs: number; capMs: number } | null = null,
  ) {}
  async lockedFor(key: string, now: number): Promise<number> {
    const s = await this.limits.get(`${this.name}:${key}`, now);
    return s && s.blocked_until > now ? s.blocked_until - now : 0;
  }
  /**
   * One guess in flight per key: a guess that arrives while another for the same key is being checked is
   * refused unchecked, so a burst of guesses cannot all be checked before the first failure is counted. The
   * claim lapses after `holdMs` if its holder dies; end() releases it.
   */
  async begin(key: string, now: number, holdMs = 10_000): Promise<boolean> {
    return (await this.limits.hit(`${this.name}-in-flight:${key}`, holdMs, now)).count === 1;
  }
  async end(key: string): Promise<void> {
    await this.limits.clear(`${this.name}-in-flight:${key}`);
  }
  async fail(key: string, now: number): Promise<{ locked: boolean; waitMs: number }> {
    const k = `${this.name}:${key}`;
    const { count } = await this.limits.hit(k, this.windowMs, now);
    if (count < this.max) return { locked: false, waitMs: 0 };
    if (this.growth) {
      const waitMs = Math.min(this.growth.capMs, this.growth.baseMs * 2 ** (count - this.max));
      await this.limits.block(k, now + waitMs, now + this.windowMs);
      return { locked: count === this.max, waitMs };
    }
    // Attempts during a lock are refused before they are counted, so the count passes `max` only once per window.
    if (count > this.max) return { locked: false, waitMs: 0 };
    await this.limits.block(k, now + this.windowMs, now + this.windowMs);
    return { locked: true, waitMs: this.windowMs };
  }
  async clear(key: string): Promise<void> {
    await this.limits.clear(`${this.name}:${key}`);
  }
}

const fmtTime = (iso: string | null) =>
  iso ? `<time datetime="${esc(iso)}">${esc(new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(iso)))} UTC</time>` : '—';

export const formatDuration = (ms: number): string => formatSeconds(ms / 1000);

/** The logged-in provider user behind the session cookie (and the hash of its value), or null. */
export async function sessionUser(svc: Services, c: Context, cookie = sessionCookieName(svc.config.publicUrl.startsWith('https:'))): Promise<{ user: UserRow; idHash: string } | null> {
  const raw = getCookie(c, cookie);
  if (!raw || !/^[A-Za-z0-9_-]{20,100}$/.test(raw)) return null;
  const idHash = sha256Hex(raw);
  const session = await svc.store.users.getSession(idHash, Date.now());
  if (!session) return null;
  const user = await svc.store.users.get(session.user_id);
  return user ? { user, idHash } : null;
}

/**
 * The dashboard's top bar on its server-rendered pages (report, Insights, Connect your ATS): the same skip link,
 * navigation (shared/dashboard-nav.ts, the app's own list) and Log out as the app's Shell, so they are one app.
 * `current` marks the page; Insights keeps a way back to `back`.
 */
export function dashboardHeader(user: UserRow, o: { insights?: boolean; back?: string; current?: string } = {}): string {
  const current = o.current ?? (o.insights ? '/insights' : '');
  // Admin pages (Team, Settings) are listed for admins only, as the app's Shell does.
  const items = NAV.filter((n) => !n.admin || roleOf(user) === 'admin').map((n) => {
    const href = n.href === '/insights' && o.back && !o.insights ? `/insights?back=${encodeURIComponent(o.back)}` : n.href;
    return `<li><a href="${esc(href)}"${isCurrent(n.href, current) ? ' aria-current="page"' : ''}>${esc(n.label)}</a></li>`;
  }).join('');
  return `<a class="skip" href="#main">Skip to content</a><header class="top"><span class="brand"><strong>Assay</strong> <span class="muted">· ${esc(user.name || user.email)}</span></span><nav aria-label="Dashboard"><ul>${items}</ul></nav><form method="post" action="/logout"><button type="submit" class="link-button">Log out</button></form></header>\n`;
}

/** The report's own rules on top of the pages' stylesheet: levels, the percentile note, and printing on A4. */
export const REPORT_CSS = `.level{display:inline-block;margin:0 0 .35rem;padding:0 .45rem;border:1px solid var(--border);border-radius:4px;font-size:.85rem;font-weight:600}
.meaning{margin:.25rem 0 .5rem}
.questions{margin:.25rem 0 0;padding-left:1.25rem}
.standing{font-size:1.05rem}
@media print{
@page{size:A4;margin:14mm 14mm 16mm}
:root{color-scheme:light;--bg:#fff;--card:#fff;--fg:#000;--muted:#333;--border:#999;--accent:#000;--bar:#ddd;font-size:10.5pt}
body{background:#fff;color:#000}
.top,.skip{display:none}
.page{max-width:none;padding:0}
.card{border:0;border-top:1px solid #999;border-radius:0;padding:.6rem 0;margin:0;break-inside:avoid-page}
.tests>li,.traits li,tr{break-inside:avoid}
h1,h2,h3{break-after:avoid}
.meter{border:1px solid #999;-webkit-print-color-adjust:exact;print-color-adjust:exact}
.meter>span{background:#444}
.table-wrap{overflow:visible}
a{color:#000;text-decoration:none}
}
`;

const bar = (score: number) => `<span class="meter" aria-hidden="true"><span class="w${Math.min(100, Math.max(0, Math.round(score / 5) * 5))}"></span></span>`;

/** What a level of a score means, from the content's report texts; nothing when the content has none. */
function meaningHtml(percent: number, texts: { low: string; middle: string; high: string } | undefined): string {
  const level = levelOf(percent);
  return `<p class="level">${LEVEL_LABELS[level]}</p>${texts ? `<p class="meaning">${esc(texts[level])}</p>` : ''}`;
}

function renderTest(t: ResultSummary['tests'][number], report: TestReport | undefined): string {
  const traits = t.traits.length
    ? `<ul class="traits" aria-label="Sub-scores of ${esc(t.name)}">${t.traits
        .map((tr) => `<li><div class="score-line"><h4>${esc(tr.name)}</h4><span>${tr.percent}%</span></div>${bar(tr.percent)}${meaningHtml(tr.percent, report?.traits?.[tr.id])}<p class="muted">${esc(tr.explanation)}</p></li>`)
        .join('')}</ul>`
    : '';
  const time = t.seconds === null ? 'not started' : `time spent ${formatSeconds(t.seconds)}`;
  return `<li><div class="score-line"><h3>${esc(t.name)}</h3><span>${t.percent}%</span></div>${bar(t.percent)}${meaningHtml(t.percent, report?.meaning)}<p class="muted">${esc(t.explanation)} · ${t.answered} of ${t.total} answered · ${esc(time)}</p>${traits}</li>`;
}

/** The candidate's percentile among everyone who took this package on this account, or why there is none. */
function standingHtml(summary: ResultSummary, g: { size: number; below: number; equal: number } | null): string {
  if (!g) return '';
  const rank = percentileRank(g);
  const people = `${g.size} ${g.size === 1 ? 'candidate' : 'candidates'}`;
  if (rank === null) {
    return `<p class="standing" data-testid="percentile">Compared with others: not enough data yet (${people} took this assessment on your account; a percentile needs at least ${PERCENTILE_MIN_GROUP}).</p>`;
  }
  return `<p class="standing" data-testid="percentile">Percentile <strong>${rank}</strong>: ${summary.percent}% is higher than ${rank}% of the ${people} who took this assessment on your account (ties count half).</p>`;
}

export function reportPages(svc: Services, opts: { throttle?: LoginThrottle; ipThrottle?: LoginThrottle } = {}) {
  const app = new Hono();
  const https = svc.config.publicUrl.startsWith('https:');
  const cookieName = sessionCookieName(https);
  const publicOrigin = new URL(svc.config.publicUrl).origin;
  // Per account+e-mail: growing delays from the 3rd failure (1 s, 2 s, 4 s … at most 60 s; ASSAY_LOGIN_DELAY_MS
  // sets the first). Per client address (TRUST_PROXY says how to read it): 30 failures in 15 minutes lock it.
  const byEmail = opts.throttle ?? new LoginThrottle(svc.store.limits, 'login-email', 3, 15 * 60_000, { baseMs: svc.config.loginDelayMs ?? 1000, capMs: Math.max(60_000, svc.config.loginDelayMs ?? 0) });
  const byClient = opts.ipThrottle ?? new LoginThrottle(svc.store.limits, 'login-client', 30, 15 * 60_000);

  const html = (c: Context, body: string, status: 200 | 400 | 401 | 403 | 404 | 429 = 200) => {
    c.header('Content-Security-Policy', PAGE_CSP);
    c.header('Cache-Control', 'no-store');
    return c.html(body, status);
  };

  const currentUser = (c: Context) => sessionUser(svc, c);

  /** Form posts must come from our own pages. */
  const sameOrigin = (c: Context) => fromOwnPages(c, publicOrigin, { form: true });

  const header = (user: UserRow, back?: string) => dashboardHeader(user, { back });

  const loginForm = (o: { next: string | null; email?: string; error?: string }) =>
    layout({
      lang: 'en',
      title: 'Log in — Assay',
      css: CSS_PATH,
      body: `<section class="card" aria-labelledby="title">
<h1 id="title">Log in</h1>
<p class="muted">Reports are for users of the assessment provider’s dashboard.</p>
${o.error ? `<p class="error" role="alert" id="login-error">${esc(o.error)}</p>` : ''}
<form method="post" action="/login" novalidate>
${o.next ? `<input type="hidden" name="next" value="${esc(o.next)}">` : ''}
<label for="email">E-mail address</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${esc(o.email ?? '')}"${o.error ? ' aria-invalid="true" aria-describedby="login-error"' : ''}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${o.error ? ' aria-invalid="true" aria-describedby="login-error"' : ''}>
<button type="submit">Log in</button>
</form>
<p><a href="/password/forgot">Forgot your password?</a></p>
</section>`,
    });

  const notFoundPage = (user: UserRow | null) =>
    layout({
      lang: 'en',
      title: 'Report not found — Assay',
      css: CSS_PATH,
      header: user ? header(user) : '',
      body: `<section class="card" aria-labelledby="title"><h1 id="title">Report not found</h1><p>There is no report at this address for your account.</p></section>`,
    });

  app.get(CSS_PATH, (c) => c.body(PAGE_CSS + REPORT_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=300' }));

  app.get('/login', async (c) => {
    const next = safeReturnPath(c.req.query('next'));
    const me = await currentUser(c);
    if (me && next) return c.redirect(next, 303);
    if (me) {
      return html(
        c,
        layout({
          lang: 'en',
          title: 'Logged in — Assay',
          css: CSS_PATH,
          header: header(me.user),
          body: `<section class="card" aria-labelledby="title"><h1 id="title">You are logged in</h1><p>Open a report with <strong>Open</strong> on a result in the ATS.</p></section>`,
        }),
      );
    }
    return html(c, loginForm({ next }));
  });

  app.post('/login', async (c) => {
    if (!sameOrigin(c)) return html(c, loginForm({ next: null, error: 'This form must be sent from the login page. Reload it and try again.' }), 403);
    // At most 8 KB, declared or counted as it arrives (a chunked form has no Content-Length).
    const tooLarge = await readBounded(c, 8192).then(
      () => false,
      (err) => (err instanceof ApiError && err.status === 413 ? true : Promise.reject(err)),
    );
    if (tooLarge) return html(c, loginForm({ next: null, error: 'The form was too large.' }), 400);
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const email = typeof form.email === 'string' ? form.email.trim().slice(0, 254) : '';
    const password = typeof form.password === 'string' ? form.password.slice(0, 1024) : '';
    const next = safeReturnPath(form.next);
    const now = Date.now();
    const user = email ? await svc.store.users.getByEmail(email) : null;
    // Per account+e-mail (an unknown address gets its own key, so it cannot be told apart by its answers).
    const emailKey = `email:${user?.account_id ?? '-'}:${email.toLowerCase()}`;
    const clientId = `client:${clientAddress(c)}`;
    const inWords = (ms: number) => (ms < 60_000 ? `${Math.ceil(ms / 1000)} second${Math.ceil(ms / 1000) === 1 ? '' : 's'}` : `${Math.ceil(ms / 60_000)} minute${Math.ceil(ms / 60_000) === 1 ? '' : 's'}`);
    const wait = Math.max(...(await Promise.all([byEmail.lockedFor(emailKey, now), byClient.lockedFor(clientId, now)])));
    if (wait > 0) {
      c.header('Retry-After', String(Math.ceil(wait / 1000)));
      return html(c, loginForm({ next, email, error: `Too many failed attempts. Try again in ${inWords(wait)}.` }), 429);
    }
    // One guess in flight per account+e-mail: a burst of guesses cannot all be checked before the first failure is counted.
    if (!(await byEmail.begin(emailKey, now))) {
      c.header('Retry-After', '1');
      return html(c, loginForm({ next, email, error: 'Another login for this address is being checked. Try again in a second.' }), 429);
    }
    try {
      // Unknown addresses cost as much time as wrong passwords, so they cannot be told apart.
      const ok = (await verifyPassword(password, user?.password_hash ?? DUMMY_HASH).catch(() => false)) && !!user && password.length > 0;
      if (!ok || !user) {
        const locks = await Promise.all([byEmail.fail(emailKey, now), byClient.fail(clientId, now)]);
        const waitMs = Math.max(locks[0]!.waitMs, locks[1]!.waitMs);
        if (locks.some((l) => l.locked)) {
          const entry = {
            account_id: user?.account_id ?? null,
            actor: `login:${clientAddress(c)}`,
            action: 'login.locked',
            target: user?.id ?? email.toLowerCase(),
            details: { email: email.toLowerCase(), by: locks[1]!.locked ? 'client' : 'email', seconds: Math.ceil(waitMs / 1000) },
          };
          await svc.store.transaction((tx) => tx.audit.add(entry));
        }
        if (waitMs > 0) {
          c.header('Retry-After', String(Math.ceil(waitMs / 1000)));
          return html(c, loginForm({ next, email, error: `Too many failed attempts. Try again in ${inWords(waitMs)}.` }), 429);
        }
        return html(c, loginForm({ next, email, error: 'The e-mail address or password is not right.' }), 401);
      }
    } finally {
      await byEmail.end(emailKey);
    }
    await byEmail.clear(emailKey);
    const value = randomToken(32);
    await svc.store.transaction(async (tx) => {
      await tx.users.createSession({ id_hash: sha256Hex(value), user_id: user.id, expires_at: now + SESSION_TTL_MS });
      await tx.audit.add({ account_id: user.account_id, actor: `user:${user.id}`, action: 'login.succeeded', target: user.id, details: {} });
    });
    setCookie(c, cookieName, value, { httpOnly: true, sameSite: 'Lax', secure: https, path: '/', maxAge: SESSION_TTL_MS / 1000 });
    c.header('Cache-Control', 'no-store');
    return c.redirect(next ?? '/login', 303);
  });

  app.post('/logout', async (c) => {
    if (!sameOrigin(c)) return html(c, loginForm({ next: null, error: 'Log out from the report page.' }), 403);
    const me = await currentUser(c);
    if (me) {
      await svc.store.transaction(async (tx) => {
        await tx.users.deleteSession(me.idHash);
        await tx.audit.add({ account_id: me.user.account_id, actor: `user:${me.user.id}`, action: 'logout', target: me.user.id, details: {} });
      });
    }
    deleteCookie(c, cookieName, { path: '/', secure: https, httpOnly: true, sameSite: 'Lax' });
    c.header('Cache-Control', 'no-store');
    return c.redirect('/login', 303);
  });

  app.get('/report/:orderId', async (c) => {
    const id = c.req.param('orderId');
    const me = await currentUser(c);
    if (!me) return c.redirect(`/login?next=${encodeURIComponent(`/report/${ORDER_ID.test(id) ? id : ''}`)}`, 302);
    const { user } = me;
    const order = ORDER_ID.test(id) ? await svc.store.orders.view(user.account_id, id) : null;
    if (!order) return html(c, notFoundPage(user), 404);
    const candidate = await svc.store.candidates.get(order.account_id, order.candidate_id);
    const name = candidate?.erased_at ? 'Erased candidate' : [candidate?.first_name, candidate?.last_name].filter(Boolean).join(' ') || 'Candidate';
    const summary = order.result ? readResultSummary(order.result.details) : null;
    const [content, standing] = summary
      ? await Promise.all([
          svc.store.packages.content(order.account_id, order.package_id, order.package_version) as Promise<PackageContent | null>,
          svc.store.results.standing(order.account_id, order.package_id, summary.percent),
        ])
      : [null, null];
    const spent = summary ? formatSeconds(summary.seconds) : order.started_at && order.completed_at ? formatDuration(Date.parse(order.completed_at) - Date.parse(order.started_at)) : '—';
    const facts = `<dl class="facts">
<dt>Candidate</dt><dd>${esc(name)}${candidate?.email && !candidate.erased_at ? ` · ${esc(candidate.email)}` : ''}</dd>
<dt>Assessment</dt><dd>${esc(order.package_name)}</dd>
${order.job_name ? `<dt>Job</dt><dd>${esc(order.job_name)}</dd>` : ''}
<dt>Status</dt><dd>${esc(order.status.replace('_', ' '))}</dd>
<dt>Invited</dt><dd>${fmtTime(order.invited_at)}</dd>
<dt>Started</dt><dd>${fmtTime(order.started_at)}</dd>
<dt>Completed</dt><dd>${fmtTime(order.completed_at)}</dd>
<dt>Time spent</dt><dd>${esc(spent)}</dd>
${order.extra_time_percent ? `<dt>Extra time</dt><dd>+${order.extra_time_percent} % (accommodation)</dd>` : ''}
${summary ? `<dt>Answered</dt><dd>${summary.answered} of ${summary.total} questions</dd>` : ''}
</dl>`;
    let body: string;
    if (!summary) {
      body = `<section class="card" aria-labelledby="facts-title"><h2 id="facts-title">Overview</h2>${facts}</section>
<section class="card" aria-labelledby="result-title"><h2 id="result-title">Result</h2><p>There is no result yet: the assessment is ${esc(order.status.replace('_', ' '))}.</p></section>`;
    } else {
      const reports = new Map((content?.tests ?? []).map((t) => [t.id, t.report]));
      const tests = summary.tests.map((t) => renderTest(t, reports.get(t.id))).join('\n');
      const rows = summary.tests
        .map((t) => `<tr><th scope="row">${esc(t.name)}</th><td>${t.percent}%</td><td>${t.weight}</td><td>${t.answered} of ${t.total}</td><td>${t.seconds === null ? 'not started' : esc(formatSeconds(t.seconds))}</td></tr>`)
        .join('');
      const questions = summary.tests.flatMap((t) => (reports.get(t.id)?.interview_questions ?? []).map((q) => ({ test: t.name, q })));
      const proctoring = describeProctoring(summary.proctoring);
      body = `<section class="card" aria-labelledby="overall-title">
<h2 id="overall-title">Overall score</h2>
<p class="overall"><span class="big" data-testid="overall-percent">${summary.percent}%</span>${summary.band ? `<span>${esc(summary.band)}</span>` : ''}</p>
${bar(summary.percent)}
<p class="muted">Points earned out of the maximum, each test counted by its weight, rounded once to a whole percentage.</p>
${standingHtml(summary, standing)}
</section>
<section class="card" aria-labelledby="facts-title"><h2 id="facts-title">Overview</h2>${facts}</section>
<section class="card" aria-labelledby="subs-title"><h2 id="subs-title">Sub-scores</h2><ul class="tests">${tests}</ul></section>
<section class="card" aria-labelledby="breakdown-title"><h2 id="breakdown-title">Per-test breakdown</h2>
<div class="table-wrap" role="region" aria-label="Per-test breakdown table" tabindex="0"><table>
<thead><tr><th scope="col">Test</th><th scope="col">Score</th><th scope="col">Weight</th><th scope="col">Answered</th><th scope="col">Time spent</th></tr></thead>
<tbody>${rows}</tbody></table></div></section>
${questions.length ? `<section class="card" aria-labelledby="questions-title"><h2 id="questions-title">Questions for the interview</h2>
<p class="muted">Suggested by the assessment’s authors to explore the results further.</p>
<ul class="questions">${questions.map((x) => `<li>${esc(x.q)} <span class="muted">(${esc(x.test)})</span></li>`).join('')}</ul></section>` : ''}
<section class="card" aria-labelledby="proctoring-title"><h2 id="proctoring-title">Proctoring</h2>
<p data-testid="proctoring-summary">${proctoring ? `The candidate ${esc(proctoring)}.` : 'Nothing was recorded for this attempt.'}</p></section>`;
    }
    return html(
      c,
      layout({
        lang: 'en',
        title: `${name} — ${order.package_name} — Assay report`,
        css: CSS_PATH,
        header: header(user, `/report/${order.id}`),
        body: `<h1>${esc(name)}: ${esc(order.package_name)}</h1>\n${body}`,
      }),
    );
  });

  app.get('/report', (c) => c.redirect('/login', 302));

  return app;
}
