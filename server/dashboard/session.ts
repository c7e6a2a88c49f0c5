// The dashboard's own session cookie: the login's session, carried to /api/dashboard only, SameSite=Strict,
// so no other site can make a browser send it (the login cookie stays Lax so a report opened from the
// ATS still finds the user logged in). Minted when a logged-in user opens /dashboard.
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { sessionCookieName, sessionUser, SESSION_TTL_MS } from '../routes/report.ts';
import type { Services } from '../services.ts';

export const API_PATH = '/api/dashboard';
export const dashboardCookieName = (https: boolean) => (https ? '__Secure-assay_dash' : 'assay_dash');

const isHttps = (svc: Services) => svc.config.publicUrl.startsWith('https:');

/** Copies the login session into the strict API cookie (same value, same lifetime). */
export function mintApiCookie(svc: Services, c: Context): void {
  const raw = getCookie(c, sessionCookieName(isHttps(svc)));
  if (!raw) return;
  setCookie(c, dashboardCookieName(isHttps(svc)), raw, { httpOnly: true, sameSite: 'Strict', secure: isHttps(svc), path: API_PATH, maxAge: SESSION_TTL_MS / 1000 });
}

/** The user behind the strict API cookie, or null. */
export const apiUser = (svc: Services, c: Context) => sessionUser(svc, c, dashboardCookieName(isHttps(svc)));
