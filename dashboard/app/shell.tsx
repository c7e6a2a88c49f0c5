// The dashboard's frame: skip link, who is logged in, one navigation for every page (the app's own and
// the server-rendered Insights and Connect pages, which keep their URLs), Log out.
import type { ComponentChildren } from 'preact';
import { isAdmin } from './me.ts';
import { isCurrent, NAV } from '../../shared/dashboard-nav.ts';
import { onLinkClick } from './router.ts';

export function Shell({ current, who, children }: { current: string; who: string | null; children: ComponentChildren }) {
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">
          <strong>Assay</strong>
          {who && <span class="muted"> · {who}</span>}
        </span>
        <nav aria-label="Dashboard">
          <ul>
            {NAV.filter((n) => !n.admin || isAdmin.value).map((n) => (
              <li key={n.href}>
                <a href={n.href} aria-current={isCurrent(n.href, current) ? 'page' : undefined} onClick={n.app ? onLinkClick : undefined}>
                  {n.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <form method="post" action="/logout">
          <button type="submit" class="secondary small">
            Log out
          </button>
        </form>
      </header>
      <main id="main" class="page" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
