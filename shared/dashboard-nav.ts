// The dashboard's one navigation, as data, in shared/ because both sides draw it: the app's Shell
// (dashboard/app/shell.tsx) and the server-rendered pages that are part of it (report, Insights, Connect your ATS:
// server/routes/report.ts dashboardHeader).

export interface NavItem {
  href: string;
  label: string;
  /** A page of this app (client-side), or a server page (a full load). */
  app: boolean;
  /** Shown to admins only (members cannot use the page). */
  admin?: boolean;
}

export const NAV: NavItem[] = [
  { href: '/dashboard/candidates', label: 'Candidates', app: true },
  { href: '/dashboard/jobs', label: 'Jobs', app: true },
  { href: '/dashboard/integrations', label: 'Integrations', app: true },
  { href: '/dashboard/team', label: 'Team', app: true, admin: true },
  { href: '/dashboard/settings', label: 'Settings', app: true, admin: true },
  { href: '/insights', label: 'Insights', app: false },
  { href: '/connect', label: 'Connect your ATS', app: false },
];

/** The item a path belongs to (a page under it counts: /dashboard/integrations/lever is Integrations). */
export const isCurrent = (href: string, current: string) => href === current || current.startsWith(href + '/');
