// Candidate mode without SMTP (invitations as .eml files): the keyboard alone, an answer after the
// server's deadline refused with a clear message, one result however often it is submitted, and
// friendly pages for expired and voided links.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { query } from '../helpers/db.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { answerShownQuestion, emlFiles, freePort, invitationLink, sendFromDemo, waitFor } from './candidate-helpers.ts';
import { apiCall, apiSession, expectAccessible, freshCandidate, launchChromium, mintContext } from './helpers.ts';

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  // A known port, so PUBLIC_URL (and so the e-mailed links) point at this server.
  const port = await freePort();
  [server, browser] = await Promise.all([startServer({ port, env: { PUBLIC_URL: `http://127.0.0.1:${port}` } }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Writes to the server's database as a clock jump would: the running server sees it on its next read. */
function write(sql: string, ...params: unknown[]) {
  const db = new Database(join(server.dataDir, 'assay.db'), { timeout: 5000 });
  try {
    db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
}

/** Orders a package over the widget API for a fresh candidate and returns the order id and its e-mailed link. */
async function orderFor(packageId: string, locale?: string) {
  const token = await apiSession(server.url, await mintContext(server.demo, { ...freshCandidate('links'), ...(locale ? { locale } : {}) }));
  const { order } = await apiCall<{ order: { id: string } }>(server.url, token, 'POST', '/api/orders', { package_id: packageId });
  const raw = await waitFor(() => emlFiles(server.dataDir, order.id)[0], 20_000, 'the .eml file');
  return { orderId: order.id, link: invitationLink(raw), session: token };
}

describe('an invitation written as an .eml file', () => {
  test('is taken with the keyboard alone; a late answer is refused; submitting twice gives one result', async () => {
    const recruiter = await browser.newPage();
    await sendFromDemo(recruiter, server.url, 'Numerical Reasoning');
    const orderId = query<{ id: string }>(server, "SELECT id FROM orders WHERE package_id = 'numerical-reasoning'")[0]!.id;
    const raw = await waitFor(() => emlFiles(server.dataDir, orderId)[0], 20_000, 'the .eml file');
    expect(raw).toMatch(/^To: sam\.jansen@example\.com/m);
    const link = invitationLink(raw);
    const token = link.split('/t/')[1]!;

    const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
    await page.goto(link);
    await page.getByRole('button', { name: 'Start', exact: true }).waitFor();
    // Keyboard only: Tab to Start, Enter; focus moves to the test's title.
    for (let i = 0; i < 10 && !(await page.evaluate(() => document.activeElement?.textContent === 'Start')); i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('timer').waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('c-title');
    // Tab into the first question and answer it.
    await page.keyboard.press('Tab');
    const kind = await page.evaluate(() => (document.activeElement as HTMLInputElement).type);
    if (kind === 'radio') await page.keyboard.press('Space');
    else await page.keyboard.type('12,5');
    // On to Next (Previous is disabled, so it is skipped), Enter: focus lands on the next question.
    for (let i = 0; i < 12 && !(await page.evaluate(() => document.activeElement?.textContent === 'Next')); i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Question 2 of 7');
    await expect.poll(() => page.getByText('1 of 7 answered').count()).toBe(1);
    // The count is the page's own; the answer is on the server once the page says so.
    await page.getByText('Saved', { exact: true }).waitFor();
    const saved = query<{ value: string }>(server, 'SELECT value FROM answers WHERE order_id = ?', orderId);
    expect(saved).toHaveLength(1);
    if (kind !== 'radio') expect(JSON.parse(saved[0]!.value)).toBe(12.5);

    // The server's deadline passes (the page's own countdown has not reached zero yet): the answer is refused.
    write("UPDATE test_sessions SET deadline_at = ? WHERE order_id = ?", new Date(Date.now() - 60_000).toISOString(), orderId);
    await answerShownQuestion(page);
    await page.locator('.c-notice', { hasText: 'Time is up for this test. The answers you saved have been kept.' }).waitFor();
    // Announced to screen readers too (beside the autosave's own status region).
    await page.getByRole('status').filter({ hasText: 'Time is up for this test.' }).waitFor({ state: 'attached' });
    await page.getByRole('heading', { level: 1, name: 'Next: test 2 of 2' }).waitFor();
    expect(query(server, 'SELECT question_id FROM answers WHERE order_id = ?', orderId)).toHaveLength(1);
    await expectAccessible(page, 'after the deadline');

    await page.getByRole('button', { name: 'Start test 2 of 2' }).click();
    await page.getByRole('timer').waitFor();
    await answerShownQuestion(page);
    // Submit from the page, then again straight over the API (a retry, a second tab): one result.
    await page.getByRole('button', { name: 'Submit', exact: true }).first().click();
    await page.getByRole('dialog').getByRole('button', { name: 'Yes, submit' }).click();
    await page.getByRole('heading', { level: 1, name: 'Thank you!' }).waitFor();
    const again = await Promise.all(
      [1, 2].map(() => fetch(`${server.url}/api/candidate/submit`, { method: 'POST', headers: { authorization: `Bearer ${token}` } }).then((r) => r.json())),
    );
    expect(again[0]).toEqual(again[1]);
    expect(query(server, 'SELECT order_id FROM results WHERE order_id = ?', orderId)).toHaveLength(1);
    expect(query(server, 'SELECT completed_at FROM orders WHERE id = ?', orderId)[0]).toEqual({ completed_at: (again[0] as { submission: { completed_at: string } }).submission.completed_at });

    // Opening the link again shows that it was already submitted.
    await page.goto(link);
    await page.getByRole('heading', { level: 1, name: 'Already submitted' }).waitFor();
    await expectAccessible(page, 'already submitted');
  });

  test('an expired link gets a friendly page in the candidate’s language', async () => {
    const { orderId, link } = await orderFor('work-style', 'nl');
    write('UPDATE orders SET expires_at = ? WHERE id = ?', new Date(Date.now() - 1000).toISOString(), orderId);
    const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
    const res = await page.goto(link);
    expect(res!.status()).toBe(410);
    await page.getByRole('heading', { level: 1, name: 'Deze link is verlopen' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('nl');
    await expectAccessible(page, 'expired page');
    // Once the sweeper has marked it expired, the page stays the same.
    await expect.poll(() => query(server, 'SELECT status FROM orders WHERE id = ?', orderId)[0], { timeout: 10_000 }).toEqual({ status: 'expired' });
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Deze link is verlopen' }).waitFor();
  });

  test('a link voided by a resend gets a friendly page, and the new link works', async () => {
    const { orderId, link, session } = await orderFor('logical-reasoning');
    await apiCall(server.url, session, 'POST', `/api/orders/${orderId}/resend`, {});
    const fresh = await waitFor(() => emlFiles(server.dataDir, orderId)[1], 20_000, 'the second .eml file');
    const newLink = invitationLink(fresh);
    expect(newLink).not.toBe(link);
    const page = await browser.newPage();
    const res = await page.goto(link);
    expect(res!.status()).toBe(404);
    await page.getByRole('heading', { level: 1, name: 'We could not find this assessment' }).waitFor();
    expect(await page.getByText('If you received a newer invitation, use the link in that e-mail.').count()).toBe(1);
    await expectAccessible(page, 'voided link');
    await page.goto(newLink);
    await page.getByRole('button', { name: 'Start', exact: true }).waitFor();
  });
});
