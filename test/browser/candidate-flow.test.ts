// The seeds' whole flow in Chromium, over a real SMTP server: a recruiter sends a test from /demo, the
// candidate gets the e-mail, takes the assessment on a phone-sized screen (reloading halfway), and the
// recruiter's widget turns to completed with a score; Open asks for a login and then shows the report.
import type { Browser, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FORBIDDEN_CANDIDATE_KEYS } from '../../shared/candidate-api.ts';
import { query } from '../helpers/db.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { keysDeep } from '../integration/candidate-fixture.ts';
import { answerAll, answerShownQuestion, decodeMail, freePort, invitationLink, sendFromDemo, startSmtp, waitFor } from './candidate-helpers.ts';
import { expectAccessible, launchChromium } from './helpers.ts';

let server: RunningServer;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let browser: Browser;

beforeAll(async () => {
  smtp = await startSmtp();
  const port = await freePort();
  [server, browser] = await Promise.all([startServer({ port, env: { PUBLIC_URL: `http://127.0.0.1:${port}`, SMTP_URL: smtp.url } }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await smtp?.stop();
});

const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

describe('recruiter → e-mail → candidate → result → report', () => {
  test('runs end to end in Chromium', async () => {
    // 1. The recruiter sends a test from the demo ATS page.
    const recruiter = await browser.newPage();
    await sendFromDemo(recruiter, server.url, 'Logical Reasoning');
    // The status list shows the new order once the profile is opened again (as after closing the dialog in an ATS).
    await recruiter.reload();
    const status = recruiter.frameLocator('#assay-status iframe');
    await status.getByRole('button', { name: 'Pending' }).waitFor({ timeout: 20_000 });

    // 2. The invitation arrives over SMTP: the candidate's address, the company, the package, its time, the link.
    const mail = await waitFor(() => smtp.mails.find((m) => m.to.includes('sam.jansen@example.com')), 20_000, 'the invitation e-mail');
    const text = decodeMail(mail.raw);
    expect(text).toContain('Demo Company');
    expect(text).toContain('Logical Reasoning');
    expect(text).toContain('20 minutes');
    expect(text).toMatch(/Content-Type: text\/plain/i);
    expect(text).toMatch(/Content-Type: text\/html/i);
    const link = invitationLink(mail.raw);
    expect(link.startsWith(`${server.url}/t/`)).toBe(true);
    const token = link.split('/t/')[1]!;

    // 3. The candidate opens it on a phone-sized screen; every API answer is kept to check for answer keys.
    const ctx = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const cand = await ctx.newPage();
    const bodies: unknown[] = [];
    const pendingBodies: Promise<void>[] = [];
    cand.on('response', (res: Response) => {
      if (!res.url().includes('/api/candidate/')) return;
      // Bearer header only: the token is never in an API URL.
      expect(res.url()).not.toContain(token);
      pendingBodies.push(res.json().then((b) => void bodies.push(b), () => undefined));
    });
    const errors: string[] = [];
    cand.on('pageerror', (e) => errors.push(e.message));
    // CSP violations and failed requests show up as console errors.
    cand.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    await cand.goto(link);
    await cand.getByRole('heading', { level: 1, name: 'Logical Reasoning' }).waitFor();
    await expect.poll(() => cand.getByText('Demo Company has invited you').count()).toBe(1);
    expect(await cand.getByText('What is recorded').count()).toBe(1);
    expect(await cand.getByText(/Series: 7 questions, 8 minutes/).count()).toBe(1);
    expect(await cand.getByText('Total time: about 20 minutes.').count()).toBe(1);
    expect(await fitsWidth(cand)).toBe(true);
    await expectAccessible(cand, 'intro');
    await cand.emulateMedia({ colorScheme: 'dark' });
    await expectAccessible(cand, 'intro (dark)');
    await cand.emulateMedia({ colorScheme: 'light' });

    await cand.getByRole('button', { name: 'Start', exact: true }).click();
    const timer = cand.getByRole('timer');
    await timer.waitFor();
    expect(await timer.textContent()).toMatch(/Time left: 0[78]:[0-5]\d/);
    expect(query(server, 'SELECT status FROM orders')[0]).toEqual({ status: 'in_progress' });
    await status.getByRole('button', { name: 'In progress' }).waitFor({ timeout: 20_000 });
    await expectAccessible(cand, 'first question');

    // Two answers, then a reload: same deadline, the saved answers back, and on to the first open question.
    await answerShownQuestion(cand, '127');
    await cand.getByRole('button', { name: 'Next', exact: true }).click();
    await answerShownQuestion(cand);
    await expect.poll(() => cand.locator('.c-save').textContent()).toBe('Saved');
    const deadlineBefore = query(server, 'SELECT deadline_at FROM test_sessions')[0];
    await cand.reload();
    await cand.getByRole('timer').waitFor();
    expect(query(server, 'SELECT deadline_at FROM test_sessions')[0]).toEqual(deadlineBefore);
    expect(await cand.getByText('2 of 7 answered').count()).toBe(1);
    expect(await cand.getByRole('heading', { name: 'Question 3 of 7' }).count()).toBe(1);
    await cand.getByRole('button', { name: 'Question 1, answered' }).click();
    expect(await cand.locator('.c-question input[type=text]').inputValue()).toBe('127');
    await cand.getByRole('button', { name: 'Question 3' }).click();

    await answerAll(cand);
    expect(await fitsWidth(cand)).toBe(true);
    await cand.getByRole('button', { name: 'Finish this test' }).first().click();
    const dialog = cand.getByRole('dialog', { name: 'Finish this test?' });
    await dialog.waitFor();
    await expectAccessible(cand, 'finish dialog');
    await dialog.getByRole('button', { name: 'Yes, finish the test' }).click();

    await cand.getByRole('heading', { level: 1, name: 'Next: test 2 of 2' }).waitFor();
    await expectAccessible(cand, 'between tests');
    await cand.getByRole('button', { name: 'Start test 2 of 2' }).click();
    await cand.getByRole('timer').waitFor();
    await answerAll(cand);
    await expectAccessible(cand, 'last question');
    await cand.getByRole('button', { name: 'Submit', exact: true }).first().click();
    const confirm = cand.getByRole('dialog', { name: 'Submit your answers?' });
    await confirm.getByRole('button', { name: 'Yes, submit' }).click();
    await cand.getByRole('heading', { level: 1, name: 'Thank you!' }).waitFor();
    expect(await cand.getByText(/submitted to Demo Company/).count()).toBe(1);
    // The candidate sees no score.
    expect(await cand.locator('body').textContent()).not.toMatch(/\d+\s?%/);
    expect(await fitsWidth(cand)).toBe(true);
    await expectAccessible(cand, 'finished');
    await Promise.all(pendingBodies);
    const leaks = bodies.flatMap((b) => keysDeep(b)).filter((k) => (FORBIDDEN_CANDIDATE_KEYS as readonly string[]).includes(k.key));
    expect(leaks).toEqual([]);
    expect(bodies.length).toBeGreaterThan(10);
    expect(errors).toEqual([]);

    // 4. Without a reload, the recruiter's widget turns to completed, with the score and Open.
    await status.getByRole('button', { name: 'Completed' }).waitFor({ timeout: 30_000 });
    const [row] = query<{ id: string; score: number }>(server, 'SELECT o.id, r.score FROM orders o JOIN results r ON r.order_id = o.id');
    const card = recruiter.frameLocator('#assay-result iframe').getByRole('article');
    await card.waitFor({ timeout: 30_000 });
    expect(await card.locator('.assay-score').textContent()).toBe(`${row!.score}%`);
    const open = card.getByRole('link', { name: /^Open/ });
    expect(await open.getAttribute('href')).toBe(`${server.url}/report/${row!.id}`);

    // 5. Open: a login first, then the full report.
    const [report] = await Promise.all([recruiter.context().waitForEvent('page'), open.click()]);
    await report.waitForLoadState();
    expect(new URL(report.url()).pathname).toBe('/login');
    await expectAccessible(report, 'login page');
    await report.getByLabel('E-mail address').fill(server.demo.user.email);
    await report.getByLabel('Password').fill(server.demo.user.password);
    await report.getByRole('button', { name: 'Log in' }).click();
    await report.getByRole('heading', { name: 'Overall score' }).waitFor();
    expect(new URL(report.url()).pathname).toBe(`/report/${row!.id}`);
    expect(await report.locator('.big').textContent()).toBe(`${row!.score}%`);
    expect(await report.getByRole('heading', { name: 'Series' }).count()).toBe(1);
    expect(await report.getByRole('heading', { name: 'Deduction' }).count()).toBe(1);
    expect(await report.getByRole('row').count()).toBe(3);
    await expectAccessible(report, 'report');
    await report.emulateMedia({ colorScheme: 'dark' });
    await expectAccessible(report, 'report (dark)');
    await ctx.close();
  });
});
