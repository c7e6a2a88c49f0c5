// Reads the iframe URL once at startup and scrubs any context token out of the address bar.
import { VIEWS, type Theme, type View } from '../../shared/embed-protocol.ts';

export interface Launch {
  view: View;
  account: string | null;
  /** The context issuer the loader named instead of an account (frame-ancestors follows it). */
  iss?: string | null;
  instance: string | null;
  /** Exact origin of the page that framed us (from `parent=`), or null when not given / invalid. */
  parent: string | null;
  theme: Theme;
  locale: string;
  /** Show the view's own heading (the host page usually has one): `heading=true`. */
  heading?: boolean;
  /** A context token from the fragment (or the query, for ATSs that can do nothing else). */
  context: string | null;
}

export function readLaunch(loc: Pick<Location, 'href'>, history: Pick<History, 'replaceState' | 'state'>): Launch {
  const url = new URL(loc.href);
  const q = url.searchParams;
  const hash = new URLSearchParams(url.hash.slice(1));
  const context = hash.get('context') || q.get('context');
  if (q.has('context') || url.hash) {
    // Tokens must not linger in the address bar, history or Referer headers.
    q.delete('context');
    url.hash = '';
    history.replaceState(history.state, '', url.pathname + url.search);
  }
  const view = q.get('view') as View;
  const theme = q.get('theme') as Theme;
  return {
    view: VIEWS.includes(view) ? view : 'picker',
    account: q.get('account'),
    iss: q.get('iss'),
    instance: q.get('instance'),
    parent: exactOrigin(q.get('parent')),
    theme: theme === 'light' || theme === 'dark' ? theme : 'auto',
    locale: q.get('locale') || 'en',
    heading: q.get('heading') === 'true',
    context,
  };
}

function exactOrigin(value: string | null): string | null {
  if (!value) return null;
  try {
    const origin = new URL(value).origin;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}
