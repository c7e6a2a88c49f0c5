// Helpers for candidate-mode browser tests: a real SMTP server that captures mail, invitation links out
// of raw messages, ordering from /demo as a recruiter, and answering whatever question is on screen.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

export { freePort } from '../helpers/net.ts';
export { startSmtp, type CapturedMail } from '../helpers/smtp.ts';

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

// ---------- answering from a known answer key, as a person does ----------

/** What the candidate gives for one question: an option, a set of options, typed text, a likert point. */
export type GivenAnswer = { choose: string } | { pick: string[] } | { type: string } | { likert: number };

/** The id of the question on screen, from the name (choices) or id (typed fields) the page gives its inputs. */
export async function shownQuestionId(page: Page): Promise<string> {
  const q = page.locator('.c-question');
  await q.waitFor();
  const input = q.locator('input, textarea').first();
  const name = (await input.getAttribute('name')) ?? (await input.getAttribute('id'))!.replace(/-input$/, '');
  return name.replace(/^q-/, '');
}

/** Answers the question on screen with the mouse: clicks the option labels, types into the field and clicks away. */
export async function answerWithMouse(page: Page, a: GivenAnswer): Promise<void> {
  const q = page.locator('.c-question');
  const option = (value: string) => q.locator('label.c-option', { has: page.locator(`input[value="${value}"]`) });
  if ('choose' in a) await option(a.choose).click();
  else if ('likert' in a) await option(String(a.likert)).click();
  else if ('pick' in a) {
    for (const id of a.pick) await option(id).click();
  } else {
    await q.locator('input[type=text], textarea').click();
    await page.keyboard.type(a.type);
    // Clicking the question's heading takes focus away, as a person clicking elsewhere does.
    await q.locator('h2').click();
  }
}

/** Presses Tab (Shift+Tab backwards) until the focused element matches `selector`; fails after 60 presses. */
export async function tabTo(page: Page, selector: string, backwards = false): Promise<void> {
  for (let i = 0; i < 60; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`keyboard focus never reached ${selector}`);
}

/** Answers the question on screen with the keyboard only: Tab, arrow keys, Space and typing. */
export async function answerWithKeyboard(page: Page, a: GivenAnswer): Promise<void> {
  const values = async (type: string) => page.locator(`.c-question input[type=${type}]`).evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
  if ('choose' in a || 'likert' in a) {
    const want = 'choose' in a ? a.choose : String(a.likert);
    const all = await values('radio');
    await tabTo(page, '.c-question input[type=radio]');
    // With nothing chosen yet, Tab lands on the first option: Space chooses it, an arrow key moves and chooses.
    const at = all.indexOf(await page.evaluate(() => (document.activeElement as HTMLInputElement).value));
    const target = all.indexOf(want);
    if (target === at) await page.keyboard.press('Space');
    for (let i = at; i < target; i++) await page.keyboard.press('ArrowDown');
    for (let i = at; i > target; i--) await page.keyboard.press('ArrowUp');
  } else if ('pick' in a) {
    const all = await values('checkbox');
    await tabTo(page, '.c-question input[type=checkbox]');
    for (const [i, id] of all.entries()) {
      if (a.pick.includes(id)) await page.keyboard.press('Space');
      if (i < all.length - 1) await page.keyboard.press('Tab');
    }
  } else {
    await tabTo(page, '.c-question input[type=text], .c-question textarea');
    await page.keyboard.type(a.type);
  }
}

/** Moves to the next question with the keyboard: Tab to "Next", then Enter. */
export async function nextWithKeyboard(page: Page): Promise<void> {
  await tabTo(page, '.c-nav-actions button.c-primary');
  await page.keyboard.press('Enter');
}

/** The right and a wrong answer to every question of a content file, worked out from the file's own key. */
export function answersFromContent(content: {
  tests: Array<{ id: string; questions: Array<Record<string, any>> }>;
}): Record<string, { right: GivenAnswer; wrong: GivenAnswer; neutral?: GivenAnswer }> {
  const out: Record<string, { right: GivenAnswer; wrong: GivenAnswer; neutral?: GivenAnswer }> = {};
  for (const t of content.tests) {
    for (const q of t.questions) {
      const ids: string[] = (q.options ?? []).map((o: { id: string }) => o.id);
      switch (q.kind) {
        case 'single_choice':
          out[q.id] = { right: { choose: q.answer }, wrong: { choose: ids.find((x) => x !== q.answer)! } };
          break;
        case 'multiple_choice':
          // Only wrong options picked: (0 right − n wrong) / right, floored at 0.
          out[q.id] = { right: { pick: q.answers }, wrong: { pick: ids.filter((x) => !q.answers.includes(x)) } };
          break;
        case 'numeric':
          out[q.id] = { right: { type: String(q.answer) }, wrong: { type: String(q.answer + q.tolerance + 1000) } };
          break;
        case 'short_text':
          out[q.id] = { right: { type: q.accept.find((x: unknown) => typeof x === 'string') }, wrong: { type: 'no idea' } };
          break;
        case 'likert':
          // Keyed value = v for direction 1, 6 − v for −1: "right" is the keyed top (5), "wrong" the bottom (1).
          out[q.id] = { right: { likert: q.direction === 1 ? 5 : 1 }, wrong: { likert: q.direction === 1 ? 1 : 5 }, neutral: { likert: 3 } };
          break;
      }
    }
  }
  return out;
}

/** Answers every question of the open test (whatever is on screen), moving on with Next; stays on the last one. */
export async function answerAll(page: Page): Promise<void> {
  for (;;) {
    await answerShownQuestion(page);
    const next = page.getByRole('button', { name: 'Next', exact: true });
    if (!(await next.count())) return;
    await next.click();
  }
}

/**
 * Answers the open test's first `count` questions with the mouse, moving on with Next (`pick` says what to
 * give the n-th question, or null to leave it open); stays on the last one answered.
 */
export async function answerTestWithMouse(page: Page, pick: (questionId: string, n: number) => GivenAnswer | null, count: number): Promise<void> {
  await page.getByRole('timer').waitFor();
  for (let i = 0; i < count; i++) {
    const a = pick(await shownQuestionId(page), i);
    if (a) await answerWithMouse(page, a);
    if (i < count - 1) await page.getByRole('button', { name: 'Next', exact: true }).click();
  }
}

/** Ends the open test with the mouse: "Finish this test", confirmed in its dialog. */
export async function finishTestWithMouse(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Finish this test' }).first().click();
  await page.getByRole('dialog', { name: 'Finish this test?' }).getByRole('button', { name: 'Yes, finish the test' }).click();
}

/** Hands the assessment in with the mouse: "Submit", confirmed in its dialog; waits for the thank-you page. */
export async function submitWithMouse(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Submit', exact: true }).first().click();
  await page.getByRole('dialog', { name: 'Submit your answers?' }).getByRole('button', { name: 'Yes, submit' }).click();
  await page.getByRole('heading', { level: 1, name: 'Thank you!' }).waitFor();
}

/**
 * Takes a whole assessment on the page with the mouse: Start, each test question by question with Next
 * (`pick` says what to give, or null to leave a question open), Finish, and Submit with its confirmation.
 */
export async function takeWithMouse(page: Page, pick: (questionId: string) => GivenAnswer | null): Promise<void> {
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  for (;;) {
    await page.getByRole('timer').waitFor();
    await answerTestWithMouse(page, pick, await page.locator('.c-qnav li').count());
    if (await page.locator('.c-nav-actions').getByRole('button', { name: 'Submit', exact: true }).count()) return submitWithMouse(page);
    await finishTestWithMouse(page);
    await page.getByRole('button', { name: /^Start test \d+ of \d+$/ }).click();
  }
}

/** Opens an order's report as the recruiter, logging in first if the page asks to; waits for the overall score. */
export async function openReport(page: Page, baseUrl: string, user: { email: string; password: string }, orderId: string): Promise<void> {
  await page.goto(`${baseUrl}/report/${orderId}`);
  if (new URL(page.url()).pathname === '/login') {
    await page.getByLabel('E-mail address').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Log in' }).click();
  }
  await page.getByRole('heading', { name: 'Overall score' }).waitFor();
}
