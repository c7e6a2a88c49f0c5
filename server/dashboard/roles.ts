// Dashboard roles, one rule for the API, the app and the CLI: admins change integrations, jobs, users
// and settings (and act on orders); members read candidates and reports.
import { ApiError } from '../errors.ts';
import type { DashboardRole, UserRow } from '../store/types.ts';

export const DASHBOARD_ROLES: readonly DashboardRole[] = ['admin', 'member'];

export const roleOf = (u: Pick<UserRow, 'role'>): DashboardRole => u.role ?? 'admin';

export const isDashboardRole = (s: unknown): s is DashboardRole => typeof s === 'string' && (DASHBOARD_ROLES as readonly string[]).includes(s);

/** Throws the 403 a member gets for an admin action. */
export function requireAdmin(u: Pick<UserRow, 'role'>): void {
  if (roleOf(u) !== 'admin') throw new ApiError(403, 'admin_only', 'Only an admin of your account can do this; members can read candidates and reports.');
}
