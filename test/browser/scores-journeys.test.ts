// Scores people can trust (issue 15): a candidate answers through the page in real Chromium from a known
// answer key — mouse, keyboard only, Next, Previous, the question strip, reloads, a timer running out —
// and the exact expected score, worked out by hand below, is what the recruiter's result card and the
// report page show. One server, one SMTP server and one Chromium for the whole file.
import { createHash } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { CATALOGUE } from '../../shared/i18n/catalogue.ts';
import { query } from '../helpers/db.ts';
import { packageContent } from '../helpers/candidate.ts';
import { ROOT, startServer, type RunningServer } from '../helpers/server.ts';
import { api, sessionToken } from '../helpers/tokens.ts';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import {
  answersFromContent,
  answerTestWithMouse,
  answerWithKeyboard,
  answerWithMouse,
  decodeMail,
  finishTestWithMouse,
  freePort,
  invitationLink,
  nextWithKeyboard,
  openReport,
  sendFromDemo,
  shownQuestionId,
  startSmtp,
  submitWithMouse,
  tabTo,
  waitFor,
  type GivenAnswer,
} from './candidate-helpers.ts';
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
  const [row] = query<{ id: string }>(server, 'SELECT id FROM orders WHERE invite_token_hash = ?', hash);
  return { link, orderId: row!.id };
}

/** What the recruiter sees: the score on the result card in /demo (Sam Jansen's orders) and the overall score on the report. */
async function expectScoreEverywhere(orderId: string, pct: number, onDemoCard = true) {
  await waitFor(() => query(server, 'SELECT 1 FROM results WHERE order_id = ?', orderId).length, 30_000, 'the result');
  if (onDemoCard) {
    await recruiter.goto(`${server.url}/demo`);
    // The card of this order (the candidate has one card per assessment).
    const card = recruiter.frameLocator('#assay-result iframe').locator(`article[aria-labelledby="assay-card-${orderId}"]`);
    await card.waitFor({ timeout: 30_000 });
    await expect.poll(() => card.locator('.assay-score').textContent(), { timeout: 30_000 }).toBe(`${pct}%`);
  }
  await openReport(recruiter, server.url, server.demo.user, orderId);
  expect(await recruiter.locator('.big').textContent()).toBe(`${pct}%`);
}

/** Opens the link in a fresh context (no shared storage with the recruiter) and returns the page. */
async function openAsCandidate(link: string): Promise<{ page: Page; close(): Promise<void> }> {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(link);
  return { page, close: () => ctx.close() };
}

/** Confirms the open dialog (finish a test, or submit) with the keyboard: focus starts on "Keep working". */
async function confirmWithKeyboard(page: Page) {
  await page.getByRole('dialog').waitFor();
  await tabTo(page, 'dialog .c-primary', true);
  await page.keyboard.press('Enter');
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
    const cand = await openAsCandidate(link);
    const page = cand.page;
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
    await finishTestWithMouse(page);

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
    await submitWithMouse(page);
    await cand.close();

    await expectScoreEverywhere(orderId, 100);
  });

  test('Numerical Reasoning with the keyboard only, one save failing on the way: Percentages right, Data wrong → 50 %', async () => {
    // Answer key: Percentages 7/7 right = 100; Data interpretation 0/6 (every number off by 1000+, a wrong option) = 0.
    // Overall (100·1 + 0·1) / 2 = 50.
    const content = packageContent('numerical-reasoning');
    const key = answersFromContent(content);
    const { link, orderId } = await order('Numerical Reasoning');
    const cand = await openAsCandidate(link);
    const page = cand.page;
    await page.getByRole('heading', { level: 1 }).waitFor();
    await tabTo(page, '.c-actions button.c-primary');
    await page.keyboard.press('Enter');
    await page.getByRole('timer').waitFor();
    // The first save meets a dropped connection: the page says so, keeps the answer and retries.
    let dropped = false;
    await page.route('**/api/candidate/answers/**', (route) => {
      if (dropped) return route.continue();
      dropped = true;
      return route.abort('connectionreset');
    });
    for (let i = 0; i < 7; i++) {
      await answerWithKeyboard(page, key[await shownQuestionId(page)]!.right);
      if (i === 0) {
        await nextWithKeyboard(page);
        await expect.poll(() => page.locator('.c-save').textContent(), { timeout: 20_000 }).toBe('Not saved — retrying');
        await expect.poll(() => page.locator('.c-save').textContent(), { timeout: 20_000 }).toBe('Saved');
        continue;
      }
      await nextWithKeyboard(page); // on the last question this is "Finish this test"
    }
    await page.unroute('**/api/candidate/answers/**');
    await confirmWithKeyboard(page);
    await page.getByRole('heading', { level: 1, name: 'Next: test 2 of 2' }).waitFor();
    await tabTo(page, '.c-actions button.c-primary');
    await page.keyboard.press('Enter');
    await page.getByRole('timer').waitFor();
    for (let i = 0; i < 6; i++) {
      await answerWithKeyboard(page, key[await shownQuestionId(page)]!.wrong);
      await nextWithKeyboard(page); // the last one is "Submit"
    }
    await answered(page, 6, 6);
    await confirmWithKeyboard(page);
    await page.getByRole('heading', { level: 1, name: 'Thank you!' }).waitFor();
    await cand.close();
    await expectScoreEverywhere(orderId, 50);
  });

  test('TypeScript Skills, every answer wrong (choices, selections, numbers, short text) with a reload → 0 %', async () => {
    // Answer key: every question wrong. Type system 0/10, Reading code 0/4; overall (0·2 + 0·1) / 3 = 0.
    const content = packageContent('typescript-skills');
    const key = answersFromContent(content);
    const { link, orderId } = await order('TypeScript Skills');
    const cand = await openAsCandidate(link);
    const page = cand.page;
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await answerTestWithMouse(page, (qid, n) => (n < 6 ? key[qid]!.wrong : null), 6);
    await saved(page);
    await page.reload();
    await page.getByRole('timer').waitFor();
    await answered(page, 6, 10);
    expect(await page.getByRole('heading', { name: 'Question 7 of 10' }).count()).toBe(1);
    for (let i = 6; i < 10; i++) {
      await answerWithMouse(page, key[await shownQuestionId(page)]!.wrong);
      if (i < 9) await page.getByRole('button', { name: 'Next', exact: true }).click();
    }
    await page.getByRole('button', { name: 'Previous', exact: true }).click();
    await answered(page, 10, 10);
    await finishTestWithMouse(page);
    await page.getByRole('button', { name: 'Start test 2 of 2' }).click();
    await answerTestWithMouse(page, (qid) => key[qid]!.wrong, 4);
    await page.getByRole('button', { name: 'Question 1, answered' }).click();
    await answered(page, 4, 4);
    await submitWithMouse(page);
    await cand.close();
    await expectScoreEverywhere(orderId, 0);
  });

  test('Work Style, likert statements answered in the middle and situations right → 75 %', async () => {
    // Answer key: every statement "3" → keyed 3 either way → (3 − 1) / 4 = 50 % for each of the three traits,
    // Work preferences = mean(50, 50, 50) = 50; Situational judgement 5/5 = 100. Overall (50 + 100) / 2 = 75.
    const content = packageContent('work-style');
    const key = answersFromContent(content);
    const { link, orderId } = await order('Work Style');
    const cand = await openAsCandidate(link);
    const page = cand.page;
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await answerTestWithMouse(page, (qid) => key[qid]!.neutral!, 12);
    await page.getByRole('button', { name: 'Question 3, answered' }).click();
    expect(await page.locator('.c-question input[value="3"]').isChecked()).toBe(true);
    await answered(page, 12, 12);
    await finishTestWithMouse(page);
    await page.getByRole('button', { name: 'Start test 2 of 2' }).click();
    await answerTestWithMouse(page, (qid) => key[qid]!.right, 5);
    await answered(page, 5, 5);
    await submitWithMouse(page);
    await cand.close();
    await expectScoreEverywhere(orderId, 75);
  });

  test('Work Style with both timers running out: what was saved counts, the page moves on and hands in by itself → 50 %', async () => {
    // Answer key: the first six statements "right" (keyed 5 → 100 %), two per trait, the other six never
    // answered (a likert trait averages over answered items): Work preferences = 100. The situations test
    // runs out with nothing answered: 0. Overall (100 + 0) / 2 = 50.
    const content = packageContent('work-style');
    const key = answersFromContent(content);
    const { link, orderId } = await order('Work Style');
    const cand = await openAsCandidate(link);
    const page = cand.page;
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await answerTestWithMouse(page, (qid, n) => (n < 6 ? key[qid]!.right : null), 7);
    await saved(page);
    // The clock is controlled through the server's own deadline: the open test now ends in 3 s, as if
    // its time had nearly run; the page learns the deadline from the server, as after any reload.
    runOutSoon(orderId);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Next: test 2 of 2' }).waitFor({ timeout: 20_000 });
    expect(await page.getByText('Time is up for the previous test.', { exact: false }).count()).toBe(1);
    await page.getByRole('button', { name: 'Start test 2 of 2' }).click();
    await page.getByRole('timer').waitFor();
    runOutSoon(orderId);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Thank you!' }).waitFor({ timeout: 20_000 });
    await cand.close();
    await expectScoreEverywhere(orderId, 50);
  });

  test('extra time: the recruiter grants +50 % in the picker; the intro, the timer, the server deadline, the e-mail and the report honour it', async () => {
    // Bad values are refused with the one error shape and nothing is written.
    const token = await sessionToken(server.url, server.demo, { claims: { application: { id: 'app-extra' }, candidate: { id: 'cand-extra', email: 'extra@example.com' } } });
    const ordersBefore = query(server, 'SELECT id FROM orders').length;
    for (const bad of [30, '50', -25, 1000]) {
      const r = await api(server.url, token).post('/api/orders', { package_id: 'logical-reasoning', extra_time_percent: bad });
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    }
    expect(query(server, 'SELECT id FROM orders')).toHaveLength(ordersBefore);

    // The recruiter picks the package and "+50 %" in the picker, then Send.
    const before = smtp.mails.length;
    await recruiter.goto(`${server.url}/demo`);
    await recruiter.getByRole('button', { name: /More/ }).click();
    await recruiter.getByRole('menuitem', { name: 'Send Assay test' }).click();
    const picker = recruiter.frameLocator('#assay-picker iframe');
    await picker.getByRole('option', { name: /Logical Reasoning/ }).click();
    await picker.getByRole('radio', { name: '+50 %' }).check();
    await picker.getByRole('button', { name: 'Send' }).click();
    await picker.getByText(/was sent/).waitFor({ timeout: 20_000 });
    const mail = await waitFor(() => smtp.mails.length > before && smtp.mails[smtp.mails.length - 1], 30_000, 'the invitation e-mail');
    const link = invitationLink(mail.raw);
    const [row] = query<{ id: string; extra_time_percent: number }>(server, 'SELECT id, extra_time_percent FROM orders WHERE invite_token_hash = ?', createHash('sha256').update(link.split('/t/')[1]!).digest('hex'));
    expect(row!.extra_time_percent).toBe(50);
    // Logical Reasoning is 8 + 12 = 20 minutes; with +50 %: 12 + 18 = 30 minutes.
    expect(decodeMail(mail.raw)).toContain('30 minutes');

    const cand = await openAsCandidate(link);
    const page = cand.page;
    await page.getByText('You have been given 50 % extra time.', { exact: false }).waitFor();
    expect(await page.getByText('Series: 7 questions, 12 minutes').count()).toBe(1);
    expect(await page.getByText('Deduction: 6 questions, 18 minutes').count()).toBe(1);
    expect(await page.getByText('Total time: about 30 minutes.').count()).toBe(1);
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await expect.poll(() => page.getByRole('timer').textContent()).toMatch(/Time left: 1[12]:[0-5]\d/);
    const [s] = query<{ started_at: string; deadline_at: string }>(server, 'SELECT started_at, deadline_at FROM test_sessions WHERE order_id = ?', row!.id);
    expect(Date.parse(s!.deadline_at) - Date.parse(s!.started_at)).toBe(12 * 60_000);
    await finishTestWithMouse(page);
    await page.getByRole('button', { name: 'Start test 2 of 2' }).click();
    await submitWithMouse(page);
    await cand.close();
    // Nothing answered: 0 %; the report states the accommodation among the order's facts.
    await expectScoreEverywhere(row!.id, 0);
    expect(await recruiter.locator('.facts').textContent()).toContain('Extra time+50 % (accommodation)');
  });

  test('Dutch candidate mode shows no English string from content or UI where a Dutch one exists', async () => {
    // Every English text of the package (and of the page's catalogue) that has a different Dutch text.
    const file = JSON.parse(readFileSync(join(ROOT, 'content/packages/numerical-reasoning.json'), 'utf8'));
    const nl = file.translations.nl;
    const english = new Set<string>();
    const pair = (en: string | undefined, dutch: string | undefined) => void (en && dutch !== undefined && en !== dutch && english.add(en));
    pair(file.name, nl.name);
    pair(file.description, nl.description);
    for (const t of file.tests) {
      for (const f of ['name', 'description'] as const) pair(t[f], nl.tests[t.id][f]);
      for (const q of t.questions) {
        const qn = nl.questions[q.id];
        pair(q.prompt, qn.prompt);
        pair(q.unit, qn.unit);
        for (const line of (q.snippet ?? '').split('\n')) if (line.trim() && qn.snippet && !qn.snippet.includes(line)) english.add(line.trim().split(/\s{2,}/)[0]!);
        for (const o of q.options ?? []) pair(o.text, qn.options[o.id]);
      }
    }
    for (const [key, en] of Object.entries(CATALOGUE.en)) {
      const dutch = CATALOGUE.nl[key as keyof typeof CATALOGUE.nl];
      // Words Dutch shares with English ("assessment", "Start test") are not leaks.
      for (const part of en.split(/\{[a-z_]+\}/)) if (part.trim().length >= 6 && !dutch.includes(part.trim())) english.add(part.trim());
    }
    const leaks = async (page: Page, where: string) => {
      const text = await page.locator('body').innerText();
      return [...english].filter((e) => text.includes(e)).map((e) => `${where}: ${e}`);
    };

    // A recruiter whose ATS says the candidate reads Dutch orders the package through the widget API.
    const token = await sessionToken(server.url, server.demo, { claims: { locale: 'nl', application: { id: 'app-nl' }, candidate: { id: 'cand-nl', email: 'noor@example.com', first_name: 'Noor', last_name: 'de Vries' } } });
    const before = smtp.mails.length;
    const r = await api(server.url, token).post('/api/orders', { package_id: 'numerical-reasoning' });
    expect(r.status).toBe(201);
    const orderId = r.body.order.id as string;
    const mail = await waitFor(() => smtp.mails.length > before && smtp.mails.find((m) => m.to.includes('noor@example.com')), 30_000, 'the Dutch invitation');
    expect(decodeMail(mail.raw)).toContain('Numeriek redeneren');
    const key = answersFromContent(packageContent('numerical-reasoning'));
    const cand = await openAsCandidate(invitationLink(mail.raw));
    const page = cand.page;
    await page.getByRole('heading', { level: 1, name: 'Numeriek redeneren' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('nl');
    const found = await leaks(page, 'intro');
    await page.getByRole('button', { name: 'Starten', exact: true }).click();
    for (let test = 0; test < 2; test++) {
      await page.getByRole('timer').waitFor();
      const count = await page.locator('.c-qnav li').count();
      for (let i = 0; i < count; i++) {
        await answerWithMouse(page, key[await shownQuestionId(page)]!.right);
        found.push(...(await leaks(page, `test ${test + 1}, question ${i + 1}`)));
        if (i < count - 1) await page.getByRole('button', { name: 'Volgende', exact: true }).click();
      }
      await page.locator('.c-nav-actions .c-primary').click();
      await page.getByRole('dialog').waitFor();
      found.push(...(await leaks(page, `test ${test + 1}, confirmation`)));
      await page.getByRole('dialog').locator('.c-primary').click();
      if (test === 0) {
        await page.getByRole('button', { name: 'Start test 2 van 2' }).waitFor();
        found.push(...(await leaks(page, 'between tests')));
        await page.getByRole('button', { name: 'Start test 2 van 2' }).click();
      }
    }
    await page.getByRole('heading', { level: 1, name: 'Bedankt!' }).waitFor();
    found.push(...(await leaks(page, 'thank-you page')));
    await cand.close();
    expect(found).toEqual([]);
    // All right in Dutch is 100 %, like in English: (100 + 100) / 2.
    await expectScoreEverywhere(orderId, 100, false);
  });
});

/** Moves the deadline of the order's open test to 3 s from now, in the server's SQLite file. */
function runOutSoon(orderId: string) {
  const db = new Database(join(server.dataDir, 'assay.db'), { fileMustExist: true, timeout: 10_000 });
  try {
    const n = db.prepare('UPDATE test_sessions SET deadline_at = ? WHERE order_id = ? AND finished_at IS NULL').run(new Date(Date.now() + 3_000).toISOString(), orderId).changes;
    if (n !== 1) throw new Error(`expected one open test, found ${n}`);
  } finally {
    db.close();
  }
}
