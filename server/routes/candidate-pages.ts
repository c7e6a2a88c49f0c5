// GET /t/<token>: the candidate's page. An open invitation gets the built test page under a strict CSP;
// an unknown, expired, cancelled or already-submitted link gets a friendly page in the candidate's language.
import { Hono, type Context } from 'hono';
import { resolveLocale, t, type Locale, type MessageKey } from '../../shared/i18n/catalogue.ts';
import { describeInvitation } from '../candidate/attempt.ts';
import { readDist } from '../http/static.ts';
import type { Services } from '../services.ts';
import { esc, layout, PAGE_CSP, PAGE_CSS } from './page-layout.ts';

/** The test page may load only our own scripts and styles and call only our API; it is never framed. */
export const CANDIDATE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const TOKEN = /^[A-Za-z0-9_-]{16,256}$/;
const CSS_PATH = '/t/page.css';

type Friendly = 'unknown' | 'expired' | 'cancelled' | 'completed';
const KEYS: Record<Friendly, { title: MessageKey; body: MessageKey[]; status: 200 | 404 | 410 }> = {
  unknown: { title: 'page.unknown.title', body: ['page.unknown.body', 'page.unknown.newer'], status: 404 },
  expired: { title: 'page.expired.title', body: ['page.expired.body'], status: 410 },
  cancelled: { title: 'page.voided.title', body: ['page.voided.body'], status: 410 },
  completed: { title: 'page.already_submitted.title', body: ['page.already_submitted.body', 'common.close_page'], status: 200 },
};

export function friendlyPage(kind: Friendly, locale: Locale, company: string | null): string {
  const k = KEYS[kind];
  const body = k.body.map((key) => `<p>${esc(t(locale, key))}</p>`).join('\n');
  return layout({
    lang: locale,
    title: `${t(locale, k.title)}${company ? ` — ${company}` : ''}`,
    css: CSS_PATH,
    body: `<section class="card" aria-labelledby="title">\n<h1 id="title">${esc(t(locale, k.title))}</h1>\n${body}\n</section>`,
  });
}

export function candidatePages(svc: Services, opts: { now?: () => Date } = {}) {
  const app = new Hono();
  const now = opts.now ?? (() => new Date());

  app.get(CSS_PATH, (c) => c.body(PAGE_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=300' }));

  const friendly = (c: Context, kind: Friendly, locale: Locale, company: string | null) => {
    c.header('Content-Security-Policy', PAGE_CSP);
    c.header('Cache-Control', 'no-store');
    return c.html(friendlyPage(kind, locale, company), KEYS[kind].status);
  };

  app.get('/t/:token', async (c) => {
    const token = c.req.param('token');
    const fallback = resolveLocale(c.req.header('accept-language'));
    if (!TOKEN.test(token)) return friendly(c, 'unknown', fallback, null);
    const inv = await describeInvitation(svc.store, token, now());
    if (inv.state === 'unknown') return friendly(c, 'unknown', fallback, null);
    const locale = inv.locale ?? fallback;
    if (inv.state !== 'open') return friendly(c, inv.state, locale, inv.company);
    const file = await readDist('widget/candidate.html');
    if (!file) return c.text('The candidate page is not built yet: run npm run build.', 503);
    // The page is static; only its language is set here, so a screen reader speaks it right from the start.
    const html = file.body.toString('utf8').replace(/<html lang="[^"]*"/, `<html lang="${locale}"`);
    c.header('Content-Security-Policy', CANDIDATE_CSP);
    c.header('Cache-Control', 'no-store');
    return c.html(html);
  });
  app.get('/t', (c) => friendly(c, 'unknown', resolveLocale(c.req.header('accept-language')), null));
  app.get('/t/', (c) => friendly(c, 'unknown', resolveLocale(c.req.header('accept-language')), null));

  return app;
}
