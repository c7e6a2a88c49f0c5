// Client-side navigation between the dashboard's pages, keeping real URLs (/dashboard/candidates…).
import { signal } from '@preact/signals';

export const path = signal(location.pathname);
addEventListener('popstate', () => (path.value = location.pathname));

export function navigate(to: string): void {
  if (to === location.pathname + location.search) return;
  history.pushState(null, '', to);
  path.value = location.pathname;
}

/** An <a> click that stays in the app (plain left click, no modifier): handled without a reload. */
export function onLinkClick(e: MouseEvent): void {
  const a = e.currentTarget as HTMLAnchorElement;
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(a.getAttribute('href')!);
}
