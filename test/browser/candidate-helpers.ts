// Helpers for candidate-mode browser tests: a real SMTP server that captures mail, invitation links out
// of raw messages, ordering from /demo as a recruiter, and answering whatever question is on screen.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { SMTPServer } from 'smtp-server';

/** A port that was free a moment ago, so the server can be told its own PUBLIC_URL before it starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface CapturedMail {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server on 127.0.0.1 (smtp-server), no TLS, no auth: every message it accepts is kept. */
export async function startSmtp(): Promise<{ url: string; mails: CapturedMail[]; stop(): Promise<void> }> {
  const mails: CapturedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `smtp://127.0.0.1:${port}`, mails, stop: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Undoes quoted-printable soft breaks and escapes, enough to read links and sentences out of a message. */
export function decodeMail(raw: string): string {
  return raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** The first candidate link (`…/t/<token>`) in a message. */
export function invitationLink(raw: string): string {
  const m = /https?:\/\/[^\s"'<>]+\/t\/[A-Za-z0-9_-]{20,}/.exec(decodeMail(raw));
  if (!m) throw new Error(`no invitation link in:\n${raw.slice(0, 2000)}`);
  return m[0];
}

export async function waitFor<T>(fn: () => T | undefined | null | false, ms = 20_000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** The .eml files the mailer wrote for an order (their names end in `-<order-id>.eml`), oldest first. */
export function emlFiles(dataDir: string, orderId?: string): string[] {
  const dir = join(dataDir, 'mail');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.eml') && (!orderId || f.endsWith(`-${orderId}.eml`)))
    .sort()
    .map((f) => readFileSync(join(dir, f), 'utf8'));
}

/** Plays the recruiter on /demo: More → Send Assay test → pick the package → Send. */
export async function sendFromDemo(page: Page, baseUrl: string, packageName: string): Promise<void> {
  await page.goto(`${baseUrl}/demo`);
  await page.getByRole('button', { name: /More/ }).click();
  await page.getByRole('menuitem', { name: 'Send Assay test' }).click();
  const picker = page.frameLocator('#assay-picker iframe');
  await picker.getByRole('option', { name: new RegExp(packageName) }).click();
  await picker.getByRole('button', { name: 'Send' }).click();
  await picker.getByText(/was sent/).waitFor({ timeout: 20_000 });
}

/** Answers the question on screen with the mouse-free controls a person would use; returns its kind. */
export async function answerShownQuestion(page: Page, typed = '42'): Promise<'choice' | 'multi' | 'text'> {
  const q = page.locator('.c-question');
  await q.waitFor();
  if (await q.locator('input[type=radio]').count()) {
    await q.locator('input[type=radio]').first().check();
    return 'choice';
  }
  if (await q.locator('input[type=checkbox]').count()) {
    await q.locator('input[type=checkbox]').first().check();
    return 'multi';
  }
  const field = q.locator('input[type=text], textarea').first();
  await field.fill(typed);
  await field.blur();
  return 'text';
}
