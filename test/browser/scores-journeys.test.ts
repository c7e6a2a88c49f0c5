// Scores people can trust (issue 15): a candidate answers through the page in real Chromium from a known
// answer key — mouse, keyboard only, Next, Previous, the question strip, reloads, a timer running out —
// and the exact expected score, worked out by hand below, is what the recruiter's result card and the
// report page show. One server, one SMTP server and one Chromium for the whole file.
import { createHash } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { query } from '../helpers/db.ts';
import { packageContent } from '../helpers/candidate.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { answersFromContent, answerWithMouse, freePort, invitationLink, sendFromDemo, shownQuestionId, startSmtp, waitFor, type GivenAnswer } from './candidate-helpers.ts';
import { launchChromium } from './helpers.ts';

let server: RunningServer;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let browser: Browser;
let recruiterCtx: BrowserContext;
let recruiter: Page;

beforeAll(async () => {
  smtp = await startSmtp();
  const port = await freePort();
  [server, browser] = await Promise.all([startServer({ port, env: { PUBLIC_URL: `http://127.0.0.1:${port}`, SMTP_URL: smtp.url } }), launchChromium()]);
  recruiterCtx = await browser.newContext();
  recruiter = await recruiterCtx.newPage();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await smtp?.stop();
});

/** The recruiter sends `packageName` from /demo; returns the candidate's link and the order's id. */
async function order(packageName: string): Promise<{ link: string; orderId: string }> {
  const before = smtp.mails.length;
  await sendFromDemo(recruiter, server.url, packageName);
  const mail = await waitFor(() => smtp.mails.length > before && smtp.mails[smtp.mails.length - 1], 30_000, 'the invitation e-mail');
  const link = invitationLink(mail.raw);
  const hash = createHash('sha256').update(link.split('/t/')[1]!).digest('hex');
  const [row] = query<{ id: string }>(server.dataDir, 'SELECT id FROM orders WHERE invite_token_hash = ?', hash);
  return { link, orderId: row!.id };
}

/** What the recruiter sees: the score on the result card in /demo and the overall score on the report. */
async function expectScoreEverywhere(orderId: string, pct: number) {
  await waitFor(() => query(server.dataDir, 'SELECT 1 FROM results WHERE order_id = ?', orderId).length, 30_000, 'the result');
  await recruiter.goto(`${server.url}/demo`);
  const card = recruiter.frameLocator('#assay-result iframe').getByRole('article');
  await card.waitFor({ timeout: 30_000 });
  await expect.poll(() => card.locator('.assay-score').textContent(), { timeout: 30_000 }).toBe(`${pct}%`);
  await recruiter.goto(`${server.url}/report/${orderId}`);
  if (new URL(recruiter.url()).pathname === '/login') {
    await recruiter.getByLabel('E-mail address').fill(server.demo.user.email);
    await recruiter.getByLabel('Password').fill(server.demo.user.password);
    await recruiter.getByRole('button', { name: 'Log in' }).click();
  }
  await recruiter.getByRole('heading', { name: 'Overall score' }).waitFor();
  expect(await recruiter.locator('.big').textContent()).toBe(`${pct}%`);
}

const saved = (page: Page) => expect.poll(() => page.locator('.c-save').textContent(), { timeout: 20_000 }).toBe('Saved');
const answered = (page: Page, n: number, total: number) => expect.poll(() => page.locator('.c-progress span').first().textContent()).toBe(`${n} of ${total} answered`);

describe('a candidate answering through the page gets the score their answers earn', () => {
  test('Logical Reasoning, all right with the mouse, moving with Next, Previous, the strip and a reload → 100 %', async () => {
    // Answer key: every question right. Series 7/7 = 100, Deduction 6/6 = 100; overall (100·1 + 100·1.5) / 2.5 = 100.
    const content = packageContent('logical-reasoning');
    const key = answersFromContent(content);
    const right = (qid: string): GivenAnswer => key[qid]!.right;
    const { link, orderId } = await order('Logical Reasoning');
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(link);
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await page.getByRole('timer').waitFor();

    // Series: questions 1–5 moving on with Next (question 5 is single choice).
    for (let i = 0; i < 5; i++) {
      await answerWithMouse(page, right(await shownQuestionId(page)));
      await page.getByRole('button', { name: 'Next', exact: true }).click();
    }
    await answered(page, 5, 7);
    // Back with Previous twice, then to question 5 with the strip: nothing given is lost.
    await page.getByRole('button', { name: 'Previous', exact: true }).click();
    await page.getByRole('button', { name: 'Previous', exact: true }).click();
    await answered(page, 5, 7);
    await page.getByRole('button', { name: 'Question 5, answered' }).click();
    expect(await page.locator('.c-question input[value="c"]').isChecked()).toBe(true);
    await saved(page);
    await page.reload();
    await page.getByRole('timer').waitFor();
    await answered(page, 5, 7);
    expect(await page.getByRole('heading', { name: 'Question 6 of 7' }).count()).toBe(1);
    for (let i = 5; i < 7; i++) {
      await answerWithMouse(page, right(await shownQuestionId(page)));
      if (i < 6) await page.getByRole('button', { name: 'Next', exact: true }).click();
    }
    // Question 7 (single choice) is left with the strip, not with Next.
    await page.getByRole('button', { name: 'Question 1, answered' }).click();
    await answered(page, 7, 7);
    for (let n = 1; n <= 7; n++) expect(await page.getByRole('button', { name: `Question ${n}, answered` }).count()).toBe(1);
    await page.getByRole('button', { name: 'Finish this test' }).first().click();
    await page.getByRole('dialog', { name: 'Finish this test?' }).getByRole('button', { name: 'Yes, finish the test' }).click();

    // Deduction: all six moving with Next; then back through the strip and forward again.
    await page.getByRole('button', { name: 'Start test 2 of 2' }).click();
    await page.getByRole('timer').waitFor();
    for (let i = 0; i < 6; i++) {
      await answerWithMouse(page, right(await shownQuestionId(page)));
      if (i < 5) await page.getByRole('button', { name: 'Next', exact: true }).click();
    }
    await page.getByRole('button', { name: 'Question 2, answered' }).click();
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.getByRole('button', { name: 'Previous', exact: true }).click();
    await answered(page, 6, 6);
    await saved(page);
    await page.reload();
    await page.getByRole('timer').waitFor();
    await answered(page, 6, 6);
    await page.getByRole('button', { name: 'Submit', exact: true }).first().click();
    await page.getByRole('dialog', { name: 'Submit your answers?' }).getByRole('button', { name: 'Yes, submit' }).click();
    await page.getByRole('heading', { level: 1, name: 'Thank you!' }).waitFor();
    await ctx.close();

    await expectScoreEverywhere(orderId, 100);
  });
});
