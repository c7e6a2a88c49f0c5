// The dashboard's Team and Settings endpoints, admins only (reads too: members read candidates and
// reports). Registered on the dashboard API (server/routes/dashboard-api.ts), behind its login, its
// same-origin check for writes and its admin check for writes. The work is done in server/dashboard/team.ts
// and server/accounts/settings.ts, which the CLI shares.
import type { Hono } from 'hono';
import { describeRoute, resolver } from 'hono-openapi';
import * as v from 'valibot';
import { PLAN_FEATURES, SETTINGS_OBJECT, settingsView, updateAccountSettings } from '../accounts/settings.ts';
import { requireAdmin, DASHBOARD_ROLES } from '../dashboard/roles.ts';
import { changeRole, InviteSchema, inviteUser, listTeam, reinviteUser, removeUser, RoleSchema } from '../dashboard/team.ts';
import { ApiError, UsageError } from '../errors.ts';
import { rateLimit } from '../http/rate-limit.ts';
import { raises } from '../http/error-codes.ts';
import { errorResponses as errors } from '../http/openapi.ts';
import { valid } from '../http/validate.ts';
import type { Services } from '../services.ts';
import type { UserRow } from '../store/types.ts';

type Env = { Variables: { user: UserRow } };

const json = (schema: v.GenericSchema) => ({ 'application/json': { schema: resolver(schema) } });
const cookie = [{ dashboardCookie: [] }];

const MemberSchema = v.object({ id: v.string(), email: v.string(), name: v.string(), role: v.picklist(DASHBOARD_ROLES), status: v.picklist(['active', 'invited']), created_at: v.string() });
const UserParam = v.object({ id: v.pipe(v.string(), v.regex(/^usr_[0-9a-z]{4,40}$/, 'Not a user id.')) });
const SettingsViewSchema = v.object({
  company_name: v.string(),
  logo_url: v.string(),
  frame_origins: v.array(v.string()),
  retention_days: v.number(),
  invitation_days: v.nullable(v.number()),
  score_bands: v.nullable(v.array(v.object({ min: v.number(), max: v.number(), label: v.string() }))),
  features: v.array(v.picklist(PLAN_FEATURES)),
});
/**
 * The body of PUT /settings: a JSON object (documented here); the handler hands the body as sent to
 * updateAccountSettings, whose strict schema refuses a list or a key that is not a setting with its sentence
 * (a parsed copy would have dropped keys like "constructor" and let the request pass as a change of nothing).
 */
const SettingsBody = v.looseObject({}, SETTINGS_OBJECT);

export function registerTeamAndSettings(api: Hono<Env>, svc: Services): void {
  // Team and Settings are admins' also to read.
  const admin = raises(
    async (c: { get(k: 'user'): UserRow }, next: () => Promise<void>) => {
      requireAdmin(c.get('user'));
      await next();
    },
    { 403: ['admin_only'] },
  );
  const invites = rateLimit(svc.store.limits, { name: 'dashboard-invite', limit: 20, windowMs: 60 * 60_000, key: (c) => (c.get('user') as UserRow).account_id });

  api.get(
    '/team',
    describeRoute({ summary: "The account's dashboard users (admins only)", tags: ['dashboard'], security: cookie, responses: { 200: { description: 'Users', content: json(v.object({ users: v.array(MemberSchema) })) }, ...errors({}) } }),
    admin,
    async (c) => c.json({ users: await listTeam(svc, c.get('user').account_id) }),
  );

  api.post(
    '/team',
    describeRoute({
      summary: 'Invite a user by e-mail: they get a link to choose a password (valid 7 days, usable once)',
      tags: ['dashboard'],
      security: cookie,
      responses: { 201: { description: 'Invited', content: json(v.object({ user: MemberSchema })) }, ...errors({ 409: ['email_taken'] }) },
    }),
    valid('json', InviteSchema), // before the limit: a malformed body is a 400, never a 429
    invites,
    async (c) => c.json({ user: await inviteUser(svc, c.get('user').account_id, c.req.valid('json'), c.get('user')) }, 201),
  );

  api.post(
    '/team/:id/reinvite',
    describeRoute({ summary: 'Send the invitation again with a new link (the old one stops working)', tags: ['dashboard'], security: cookie, responses: { 200: { description: 'Invited', content: json(v.object({ user: MemberSchema })) }, ...errors({ 404: ['not_found'], 409: ['already_active'] }) } }),
    valid('param', UserParam),
    invites,
    async (c) => c.json({ user: await reinviteUser(svc, c.get('user').account_id, c.req.valid('param').id, c.get('user')) }),
  );

  api.put(
    '/team/:id/role',
    describeRoute({ summary: "Change a user's role (the last admin stays an admin)", tags: ['dashboard'], security: cookie, responses: { 200: { description: 'Changed', content: json(v.object({ user: MemberSchema })) }, ...errors({ 404: ['not_found'], 409: ['last_admin'] }) } }),
    valid('param', UserParam),
    valid('json', RoleSchema),
    async (c) => c.json({ user: await changeRole(svc, c.get('user').account_id, c.req.valid('param').id, c.req.valid('json').role, c.get('user')) }),
  );

  api.delete(
    '/team/:id',
    describeRoute({ summary: 'Remove a user: their login and sessions end (the last admin cannot be removed)', tags: ['dashboard'], security: cookie, responses: { 200: { description: 'Removed', content: json(v.object({ ok: v.boolean() })) }, ...errors({ 404: ['not_found'], 409: ['last_admin'] }) } }),
    valid('param', UserParam),
    async (c) => {
      await removeUser(svc, c.get('user').account_id, c.req.valid('param').id, c.get('user'));
      return c.json({ ok: true });
    },
  );

  api.get(
    '/settings',
    describeRoute({ summary: "The account's settings (admins only)", tags: ['dashboard'], security: cookie, responses: { 200: { description: 'Settings', content: json(v.object({ settings: SettingsViewSchema })) }, ...errors({}) } }),
    admin,
    async (c) => {
      const account = await svc.store.accounts.get(c.get('user').account_id);
      if (!account) throw new ApiError(401, 'login_required', 'The account of this login no longer exists.');
      return c.json({ settings: settingsView(account) });
    },
  );

  api.put(
    '/settings',
    describeRoute({
      summary: 'Change settings: company name and logo, frame origins, retention days, invitation validity, score bands (the validation of `assay accounts:update`; features are the operator’s)',
      tags: ['dashboard'],
      security: cookie,
      responses: { 200: { description: 'Saved', content: json(v.object({ settings: SettingsViewSchema })) }, ...errors({
        400: ['invalid_company_name', 'invalid_logo_url', 'invalid_frame_origins', 'invalid_retention_days', 'invalid_invitation_days', 'invalid_score_bands', 'invalid_settings'],
        403: ['operator_only'],
      }) },
    }),
    valid('json', SettingsBody),
    async (c) => {
      const user = c.get('user');
      try {
        // The body as sent (valid() above has answered for malformed JSON or a non-object); an empty body changes nothing.
        const sent: unknown = (await c.req.text()) ? await c.req.json() : {};
        const account = await updateAccountSettings(svc, user.account_id, sent, { actor: `user:${user.id}`, operator: false });
        return c.json({ settings: settingsView(account) });
      } catch (err) {
        if (err instanceof UsageError) throw new ApiError(err.code === 'operator_only' ? 403 : 400, err.code, err.message);
        throw err;
      }
    },
  );
}
