// Team: an account's dashboard users. Admins invite by e-mail (a set-password link), change roles and
// remove users; anyone resets a forgotten password by an e-mail link. Links are random, stored only as a
// hash, used once, expiring, and travel only in the mail body (the token sits in the URL's fragment,
// which browsers never send, so no server or proxy access log records it).
import * as v from 'valibot';
import { hashPassword } from '../accounts/passwords.ts';
import { sha256Hex } from '../crypto/secrets.ts';
import { ApiError } from '../errors.ts';
import { newId, randomToken } from '../ids.ts';
import { renderPasswordLinkEmail } from '../mail/password-link-email.ts';
import type { Services } from '../services.ts';
import type { DashboardRole, OutboxJob, Repos, UserRow } from '../store/types.ts';
import { DASHBOARD_ROLES, roleOf } from './roles.ts';

/** How long a link works: an invitation a week, a reset an hour. */
export const LINK_TTL_MS = { invite: 7 * 86_400_000, reset: 3_600_000 } as const;
export const MIN_PASSWORD = 10;
/** The password of a user who has not set one yet: no scrypt hash, so no password ever matches it. */
const NOT_SET = '!invited';
export const PASSWORD_LINK_JOB = 'email.password_link';
/** The page that reads the token from the fragment and sets the password. */
export const PASSWORD_PATH = '/password';

export const InviteSchema = v.strictObject({
  email: v.pipe(v.string('Give an e-mail address.'), v.trim(), v.toLowerCase(), v.maxLength(254, 'The e-mail address is too long.'), v.email('That is not an e-mail address.')),
  name: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(200, 'The name is at most 200 characters.'))),
  role: v.picklist(DASHBOARD_ROLES, 'The role is admin or member.'),
});
export const RoleSchema = v.strictObject({ role: v.picklist(DASHBOARD_ROLES, 'The role is admin or member.') });

export interface TeamMember {
  id: string;
  email: string;
  name: string;
  role: DashboardRole;
  /** invited: has not set a password yet. */
  status: 'active' | 'invited';
  created_at: string;
}
const view = (u: UserRow): TeamMember => ({ id: u.id, email: u.email, name: u.name, role: roleOf(u), status: u.password_hash === NOT_SET ? 'invited' : 'active', created_at: u.created_at });

export async function listTeam(svc: Services, accountId: string): Promise<TeamMember[]> {
  return (await svc.store.users.listByAccount(accountId)).map(view);
}

/** Stores a new link for the user (replacing the previous one of that kind) and queues the mail with it. */
async function issueLink(tx: Repos, user: UserRow, purpose: 'invite' | 'reset', svc: Services, invitedBy: string | null): Promise<void> {
  const token = randomToken(32);
  await tx.users.putPasswordToken({ token_hash: sha256Hex(token), user_id: user.id, account_id: user.account_id, purpose, expires_at: Date.now() + LINK_TTL_MS[purpose] });
  await tx.outbox.enqueue({ account_id: user.account_id, kind: PASSWORD_LINK_JOB, payload: { user_id: user.id, purpose, token_sealed: svc.box.seal(token), invited_by: invitedBy } });
}

export async function inviteUser(svc: Services, accountId: string, input: v.InferOutput<typeof InviteSchema>, by: UserRow): Promise<TeamMember> {
  const user = await svc.store.transaction(async (tx) => {
    if (await tx.users.getByEmail(input.email)) throw new ApiError(409, 'email_taken', `${input.email} already has a login (here or at another company); they can reset their password from the login page.`);
    const u = await tx.users.create({ id: newId('usr'), account_id: accountId, email: input.email, name: input.name || input.email, password_hash: NOT_SET, role: input.role });
    await issueLink(tx, u, 'invite', svc, by.name || by.email);
    await tx.audit.add({ account_id: accountId, actor: `user:${by.id}`, action: 'user.invited', target: u.id, details: { role: input.role } });
    return u;
  });
  svc.outbox.wake();
  return view(user);
}

/** Sends the invitation again with a new link (the old one stops working). */
export async function reinviteUser(svc: Services, accountId: string, userId: string, by: UserRow): Promise<TeamMember> {
  const user = await svc.store.transaction(async (tx) => {
    const u = await tx.users.get(userId);
    if (!u || u.account_id !== accountId) throw new ApiError(404, 'not_found', 'There is no such user in your account.');
    if (u.password_hash !== NOT_SET) throw new ApiError(409, 'already_active', 'This user has set a password already; they can reset it from the login page.');
    await issueLink(tx, u, 'invite', svc, by.name || by.email);
    await tx.audit.add({ account_id: accountId, actor: `user:${by.id}`, action: 'user.reinvited', target: u.id, details: {} });
    return u;
  });
  svc.outbox.wake();
  return view(user);
}

/** The admins left if `userId` stopped being one: refuses to leave the account without any. */
async function keepAnAdmin(tx: Repos, accountId: string, userId: string): Promise<void> {
  const admins = (await tx.users.listByAccount(accountId)).filter((u) => roleOf(u) === 'admin' && u.password_hash !== NOT_SET);
  if (admins.every((a) => a.id === userId)) throw new ApiError(409, 'last_admin', 'This is the last admin of your account: make someone else an admin first.');
}

export async function changeRole(svc: Services, accountId: string, userId: string, role: DashboardRole, by: UserRow): Promise<TeamMember> {
  return svc.store.transaction(async (tx) => {
    const u = await tx.users.get(userId);
    if (!u || u.account_id !== accountId) throw new ApiError(404, 'not_found', 'There is no such user in your account.');
    if (role !== 'admin' && roleOf(u) === 'admin') await keepAnAdmin(tx, accountId, userId);
    await tx.users.update(accountId, userId, { role });
    await tx.audit.add({ account_id: accountId, actor: `user:${by.id}`, action: 'user.role_changed', target: userId, details: { role } });
    return view({ ...u, role });
  });
}

export async function removeUser(svc: Services, accountId: string, userId: string, by: UserRow): Promise<void> {
  await svc.store.transaction(async (tx) => {
    const u = await tx.users.get(userId);
    if (!u || u.account_id !== accountId) throw new ApiError(404, 'not_found', 'There is no such user in your account.');
    if (roleOf(u) === 'admin') await keepAnAdmin(tx, accountId, userId);
    await tx.users.remove(accountId, userId);
    await tx.audit.add({ account_id: accountId, actor: `user:${by.id}`, action: 'user.removed', target: userId, details: {} });
  });
}

/** A reset link for the address, when it has a login; the caller answers the same either way. */
export async function requestPasswordReset(svc: Services, email: string): Promise<void> {
  const user = await svc.store.users.getByEmail(email);
  if (!user) return;
  await svc.store.transaction(async (tx) => {
    await issueLink(tx, user, user.password_hash === NOT_SET ? 'invite' : 'reset', svc, null);
    await tx.audit.add({ account_id: user.account_id, actor: 'password_reset', action: 'user.reset_requested', target: user.id, details: {} });
  });
  svc.outbox.wake();
}

/** Uses a link: the password is set, the link is gone, every other session of the user ends. */
export async function setPasswordWithLink(svc: Services, token: string, password: string): Promise<UserRow> {
  if (password.length < MIN_PASSWORD) throw new ApiError(400, 'weak_password', `Choose a password of at least ${MIN_PASSWORD} characters.`);
  if (password.length > 1024) throw new ApiError(400, 'invalid_password', 'The password is too long.');
  const invalid = () => new ApiError(400, 'link_invalid', 'This link has expired or has been used already. Ask for a new one.');
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) throw invalid();
  const hash = await hashPassword(password); // outside the transaction: it takes real time
  return svc.store.transaction(async (tx) => {
    const link = await tx.users.takePasswordToken(sha256Hex(token), Date.now());
    if (!link) throw invalid();
    const user = await tx.users.get(link.user_id);
    if (!user) throw invalid();
    await tx.users.update(user.account_id, user.id, { password_hash: hash });
    await tx.users.deleteSessionsOf(user.id);
    await tx.audit.add({ account_id: user.account_id, actor: `user:${user.id}`, action: link.purpose === 'invite' ? 'user.joined' : 'user.password_reset', target: user.id, details: {} });
    return user;
  });
}

/** The outbox job: mails the link if it is still the live one (a newer link or its use voids it). */
export async function sendPasswordLink(svc: Services, job: OutboxJob): Promise<void> {
  const p = job.payload as { user_id?: string; purpose?: 'invite' | 'reset'; token_sealed?: string; invited_by?: string | null };
  if (typeof p.token_sealed !== 'string' || !p.user_id || !job.account_id) return;
  const token = svc.box.open(p.token_sealed);
  if (!(await svc.store.users.hasPasswordToken(sha256Hex(token)))) return;
  const [user, account] = await Promise.all([svc.store.users.get(p.user_id), svc.store.accounts.get(job.account_id)]);
  if (!user || !account || user.account_id !== account.id) return;
  const mail = renderPasswordLinkEmail({
    purpose: p.purpose === 'invite' ? 'invite' : 'reset',
    company: account.settings.company_name || account.name,
    logoUrl: account.settings.logo_url ?? null,
    invitedBy: p.invited_by ?? null,
    link: `${svc.config.publicUrl}${PASSWORD_PATH}#${token}`,
    validFor: p.purpose === 'invite' ? '7 days' : '1 hour',
  });
  await svc.mailer.send({ to: user.email, ...mail, tag: `user-${user.id}` });
}
