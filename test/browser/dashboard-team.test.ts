// Team and Settings in Chromium over real HTTP, as their users act: an admin saves the settings (company
// name, frame origins, score bands) and invites a member by e-mail; the invitation arrives at a real SMTP
// server with the company's name; the invitee opens the link, chooses a password and logs in as a member,
// who is offered no admin page and refused by the API; a forgotten password is reset by an e-mailed link
// that works once and expires; the saved origins are the widget's frame-ancestors and the saved bands
// rate new results; the last admin cannot be removed; axe clean light and dark; usable at 360 px.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { inviteToken, takeTest, until } from '../helpers/candidate.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { apiCall, apiSession, expectAccessible, launchChromium, mintContext } from './helpers.ts';

let server: RunningServer;
let smtp: TestSmtp;
let browser: Browser;
let admin: Page;
const INVITEE = 'new.member@example.test';
const MEMBER_PASSWORD = 'member-chosen-pass-1';

/** A message's text as a reader sees it: quoted-printable soft breaks and escapes undone. */
const readable = (raw: string) => raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
const mailsTo = (to: string) => smtp.mails.filter((m) => m.to.includes(to)).map((m) => readable(m.raw));
const linkIn = (mail: string) => {
  const m = /(http:\/\/[^\s"<>]+\/password#[A-Za-z0-9_-]{20,})/.exec(mail);
  if (!m) throw new Error(`no set-password link in:\n${mail}`);
  return m[1]!;
};
/** The next mail to `to` after the `seen` first ones. */
const nextMail = async (to: string, seen: number) => (await until(() => mailsTo(to), (l) => l.length > seen, 20_000, `a mail to ${to}`))[seen]!;

async function logIn(p: Page, email: string, password: string) {
  await p.goto(`${server.url}/dashboard`);
  await p.getByLabel('E-mail address').fill(email);
  await p.getByLabel('Password', { exact: true }).fill(password);
  await p.getByRole('button', { name: 'Log in' }).click();
}

async function choosePassword(p: Page, link: string, password: string) {
  await p.goto(link);
  await p.getByLabel('New password').fill(password);
  await p.getByLabel('Repeat the password').fill(password);
  await p.getByRole('button', { name: 'Set password' }).click();
}

beforeAll(async () => {
  [smtp, browser] = await Promise.all([startSmtp(), launchChromium()]);
  server = await startServer({ env: { SMTP_URL: smtp.url } });
  admin = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await logIn(admin, server.demo.user.email, server.demo.user.password);
  await admin.getByRole('heading', { name: 'Candidates', level: 1 }).waitFor({ timeout: 20_000 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await smtp?.stop();
});

describe('Settings', () => {
  test('an admin saves the company name, frame origins and score bands; bad bands are refused with a sentence', async () => {
    await admin.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Settings' }).click();
    await admin.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await admin.getByLabel('Company name').fill('Acme Hiring');
    await admin.getByLabel('Allowed frame origins').fill('https://ats.acme.example\nhttp://localhost:*');
    // Bands with a gap: the server's validation (the one accounts:update uses) says what is wrong.
    await admin.getByLabel('Score bands').fill('0-40: Not yet\n60-100: Ready');
    await admin.getByRole('button', { name: 'Save settings' }).click();
    expect(await admin.getByRole('alert').textContent({ timeout: 10_000 })).toMatch(/Score bands must run from 0 to 100 in order/);
    await admin.getByLabel('Score bands').fill('0-59: Not yet\n60-100: Ready');
    await admin.getByRole('button', { name: 'Save settings' }).click();
    await admin.getByRole('status').filter({ hasText: 'Settings saved.' }).waitFor({ timeout: 10_000 });
    // Saved: a reload shows them.
    await admin.reload();
    expect(await admin.getByLabel('Company name').inputValue()).toBe('Acme Hiring');
    expect(await admin.getByLabel('Score bands').inputValue()).toBe('0-59: Not yet\n60-100: Ready');
    await expectAccessible(admin, 'settings, light');
  });

  test('the saved frame origins are the embedded widget’s frame-ancestors', async () => {
    const res = await fetch(`${server.url}/widget/?account=demo`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(/frame-ancestors ([^;]*)/.exec(csp)?.[1]?.split(' ')).toEqual(expect.arrayContaining(['https://ats.acme.example', 'http://localhost:*']));
    expect(csp).not.toContain('127.0.0.1'); // the demo's earlier origin was replaced
  });

  test('the saved score bands rate new results', async () => {
    const session = await apiSession(server.url, await mintContext(server.demo, { candidate: { id: 'cand-ada', email: 'ada@example.test', first_name: 'Ada', last_name: 'Lovelace' }, application: { id: 'app-ada' } }));
    const order = (await apiCall<{ order: { id: string } }>(server.url, session, 'POST', '/api/orders', { package_id: 'logical-reasoning' })).order.id;
    const mail = await nextMail('ada@example.test', 0);
    expect(mail).toContain('Acme Hiring'); // the candidate's invitation names the saved company too
    await takeTest(server.url, inviteToken(mail)!, 'logical-reasoning');
    const row = await until(
      () => admin.evaluate(async () => (await (await fetch('/api/dashboard/candidates')).json()) as { orders: { id: string; band: string | null; score: number | null }[] }),
      (r) => r.orders.some((o) => o.band !== null),
      20_000,
      'the scored order',
    );
    const scored = row.orders.find((o) => o.id === order)!;
    expect(scored.band).toBe(scored.score! >= 60 ? 'Ready' : 'Not yet');
  });

  test('the dashboard cannot set the plan’s features (the operator’s), and bad input is a 400 with a sentence', async () => {
    const put = (body: unknown) =>
      admin.evaluate(async (b) => {
        const r = await fetch('/api/dashboard/settings', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) });
        return { status: r.status, body: await r.json() };
      }, body);
    expect(await put({ features: ['lever'] })).toEqual({ status: 403, body: { error: { code: 'operator_only', message: expect.any(String) } } });
    expect((await put({ retention_days: -1 })).status).toBe(400);
    expect((await put({ frame_origins: ['https://ats.example.com/path'] })).body.error.code).toBe('invalid_frame_origins');
  });
});

describe('Team', () => {
  let member: Page;

  test('an admin invites a user by keyboard; the e-mail with the company name arrives; the invitee chooses a password and logs in as a member', async () => {
    await admin.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Team' }).click();
    await admin.getByRole('heading', { name: 'Team', level: 1 }).waitFor();
    await admin.getByRole('row', { name: new RegExp(server.demo.user.email) }).waitFor();
    await admin.getByLabel('E-mail address').focus();
    await admin.keyboard.type(INVITEE);
    await admin.keyboard.press('Tab');
    await admin.keyboard.type('Nina Member');
    await admin.keyboard.press('Enter');
    await admin.getByRole('status').filter({ hasText: `Invitation sent to ${INVITEE}.` }).waitFor({ timeout: 10_000 });
    const row = admin.locator(`tr[data-user="${INVITEE}"]`);
    expect(await row.textContent()).toContain('Invited (no password yet)');
    expect(await row.getByRole('combobox').inputValue()).toBe('member');
    await expectAccessible(admin, 'team, light');

    const mail = await nextMail(INVITEE, 0);
    expect(mail).toMatch(/^Subject: You are invited to Acme Hiring on Assay/m);
    const link = linkIn(mail);
    // The token travels in the fragment only: it is in no request line, so in no log.
    expect(server.logs.join('')).not.toContain(link.split('#')[1]!);

    const ctx = await browser.newContext({ viewport: { width: 360, height: 800 } });
    member = await ctx.newPage();
    await choosePassword(member, link, 'short');
    expect(await member.getByRole('alert').textContent()).toMatch(/at least 10 characters/);
    // A weak password does not use up the link.
    await member.getByLabel('New password').fill(MEMBER_PASSWORD);
    await member.getByLabel('Repeat the password').fill(MEMBER_PASSWORD);
    await member.getByRole('button', { name: 'Set password' }).click();
    await member.getByRole('heading', { name: 'Your password is set' }).waitFor();
    await member.getByRole('link', { name: 'Log in' }).click();
    await member.getByLabel('E-mail address').fill(INVITEE);
    await member.getByLabel('Password', { exact: true }).fill(MEMBER_PASSWORD);
    await member.getByRole('button', { name: 'Log in' }).click();
    await member.getByRole('heading', { name: 'Candidates', level: 1 }).waitFor({ timeout: 20_000 });
    const me = await member.evaluate(async () => (await (await fetch('/api/dashboard/me')).json()) as { user: { role: string; email: string } });
    expect(me.user).toMatchObject({ role: 'member', email: INVITEE });

    // The link worked once.
    const other = await browser.newPage();
    await choosePassword(other, link, 'another-password-123');
    await other.getByRole('heading', { name: 'This link does not work any more' }).waitFor();
    await other.close();
  });

  test('a member is offered no admin page and the API refuses admin actions with 403', async () => {
    const nav = member.getByRole('navigation', { name: 'Dashboard' });
    // At 360 px the page fits: no sideways scrolling.
    expect(await member.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    expect(await nav.getByRole('link').allTextContents()).not.toEqual(expect.arrayContaining(['Team']));
    expect(await nav.getByRole('link', { name: 'Settings' }).count()).toBe(0);
    // The e-mailed link names PUBLIC_URL's host (localhost), where the member's login cookie lives.
    await member.goto(`${new URL(member.url()).origin}/dashboard/team`);
    await member.getByRole('heading', { name: 'Admins only' }).waitFor();
    const calls = await member.evaluate(async () => {
      const send = async (method: string, path: string, body?: unknown) => {
        const r = await fetch(`/api/dashboard${path}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
        return [r.status, ((await r.json()) as { error?: { code: string } }).error?.code];
      };
      return [await send('GET', '/team'), await send('POST', '/team', { email: 'x@example.test', role: 'admin' }), await send('GET', '/settings'), await send('PUT', '/settings', { company_name: 'Hacked' })];
    });
    expect(calls).toEqual([
      [403, 'admin_only'],
      [403, 'admin_only'],
      [403, 'admin_only'],
      [403, 'admin_only'],
    ]);
  });

  test('the last admin cannot be removed; removing the member ends their login', async () => {
    await admin.reload();
    const self = admin.locator(`tr[data-user="${server.demo.user.email}"]`);
    await self.getByRole('button', { name: /^Remove/ }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Yes, remove' }).click();
    expect(await dialog.getByRole('alert').textContent({ timeout: 10_000 })).toMatch(/last admin/);
    await admin.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    await admin.locator(`tr[data-user="${INVITEE}"]`).getByRole('button', { name: /^Remove/ }).click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Yes, remove' }).click();
    await admin.getByRole('status').filter({ hasText: `${INVITEE} was removed.` }).waitFor({ timeout: 10_000 });
    expect(await admin.locator(`tr[data-user="${INVITEE}"]`).count()).toBe(0);
    expect(await member.evaluate(async () => (await fetch('/api/dashboard/me')).status)).toBe(401);
    await admin.emulateMedia({ colorScheme: 'dark' });
    await expectAccessible(admin, 'team, dark');
    await admin.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Settings' }).click();
    await admin.getByLabel('Company name').waitFor();
    await expectAccessible(admin, 'settings, dark');
    await admin.emulateMedia({ colorScheme: 'light' });
  });
});

describe('password reset', () => {
  const EMAIL = 'reset.me@example.test';
  test('a forgotten password is reset by an e-mailed link that works once and expires', async () => {
    // An admin invites; the invitee joins (as above, quickly).
    await admin.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Team' }).click();
    await admin.getByLabel('E-mail address').fill(EMAIL);
    await admin.getByRole('button', { name: 'Send invitation' }).click();
    const user = await browser.newPage();
    await choosePassword(user, linkIn(await nextMail(EMAIL, 0)), 'first-password-123');
    await user.getByRole('heading', { name: 'Your password is set' }).waitFor();

    // Forgotten: from the login page.
    await user.goto(`${server.url}/login`);
    await user.getByRole('link', { name: 'Forgot your password?' }).click();
    await user.getByLabel('E-mail address').fill(EMAIL);
    await user.getByRole('button', { name: 'Send the link' }).click();
    await user.getByRole('heading', { name: 'Check your e-mail' }).waitFor();
    await expectAccessible(user, 'forgot password, sent');
    const mail = await nextMail(EMAIL, 1);
    expect(mail).toMatch(/^Subject: Reset your Assay password for Acme Hiring/m);
    const link = linkIn(mail);
    await choosePassword(user, link, 'second-password-456');
    await user.getByRole('heading', { name: 'Your password is set' }).waitFor();
    // The new password works, the old one does not.
    await logIn(user, EMAIL, 'first-password-123');
    await user.getByText('The e-mail address or password is not right.').waitFor();
    await user.getByLabel('Password', { exact: true }).fill('second-password-456');
    await user.getByRole('button', { name: 'Log in' }).click();
    await user.getByRole('heading', { name: 'Candidates', level: 1 }).waitFor({ timeout: 20_000 });
    // Used once.
    await choosePassword(user, link, 'third-password-789');
    await user.getByRole('heading', { name: 'This link does not work any more' }).waitFor();

    // An unknown address gets the same answer and no mail.
    const before = smtp.mails.length;
    await user.goto(`${server.url}/password/forgot`);
    await user.getByLabel('E-mail address').fill('nobody@example.test');
    await user.getByRole('button', { name: 'Send the link' }).click();
    await user.getByRole('heading', { name: 'Check your e-mail' }).waitFor();

    // Expired: a new link whose hour has passed (its stored expiry moved to the past) no longer works.
    await user.goto(`${server.url}/password/forgot`);
    await user.getByLabel('E-mail address').fill(EMAIL);
    await user.getByRole('button', { name: 'Send the link' }).click();
    const late = linkIn(await nextMail(EMAIL, 2));
    expect(smtp.mails.filter((m) => m.to.includes('nobody@example.test'))).toHaveLength(0);
    expect(smtp.mails.length).toBe(before + 1);
    const db = new Database(join(server.dataDir, 'assay.db'));
    try {
      expect(db.prepare("UPDATE password_tokens SET expires_at = ? WHERE purpose = 'reset'").run(Date.now() - 1000).changes).toBe(1);
    } finally {
      db.close();
    }
    await choosePassword(user, late, 'fourth-password-000');
    await user.getByRole('heading', { name: 'This link does not work any more' }).waitFor();
    await expectAccessible(user, 'expired link');
    await user.close();
  });
});
