// The widget's Lever mappings view in Chromium against the real server and the Lever simulator: a Lever
// connection made with the CLI and authorized through the simulator (as in test/integration/lever-*),
// an admin maps a posting to a package in the view, and the simulator's posting then carries our tag
// beside its other tags. axe finds nothing in light or dark; a recruiter is told the view is for admins.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startLever, type LeverWorld } from '../integration/lever-helpers.ts';
import { DEFAULT_IDS } from '../simulators/lever/index.ts';
import { describeViolations, launchChromium, mintContext, runAxe } from './helpers.ts';

let w: LeverWorld;
let browser: Browser;

beforeAll(async () => {
  [w, browser] = await Promise.all([startLever(), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await w?.stop();
});

async function openView(role: 'admin' | 'recruiter', theme: 'light' | 'dark' = 'light'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 760, height: 900 } });
  const context = await mintContext(w.server.demo, { role });
  await page.goto(`${w.server.url}/widget/?view=mappings&account=${w.server.demo.account_id}&theme=${theme}#context=${context}`);
  return page;
}

describe('Lever mappings view in Chromium', () => {
  test('an admin maps a Lever posting to a package; the posting in Lever gets our tag; axe clean in light and dark', async () => {
    const extra = w.sim.seed({ postings: [{ text: 'Platform Engineer', tags: ['remote', 'senior'] }] }).postings![0]!;
    const page = await openView('admin');
    const select = page.getByRole('combobox', { name: 'Package for Platform Engineer' });
    await select.waitFor({ timeout: 20_000 });
    expect(await page.getByRole('combobox', { name: 'Package for Data Analyst' }).isVisible()).toBe(true);
    const row = page.locator('li', { has: page.getByRole('heading', { name: 'Platform Engineer' }) });
    expect(await row.getByText('Current package: none').isVisible()).toBe(true);

    const light = await runAxe(page);
    expect(light, `light:\n${describeViolations(light)}`).toEqual([]);

    // Keyboard only: focus the select, choose with the keyboard-driven selectOption, Tab to Save, Enter.
    await select.focus();
    await select.selectOption({ label: 'Numerical Reasoning' });
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Save package for Platform Engineer');
    await page.keyboard.press('Enter');
    await expect.poll(() => row.getByRole('status').textContent(), { timeout: 15_000 }).toBe('Saved Platform Engineer now sends Numerical Reasoning.');
    expect(await row.getByText('Current package: Numerical Reasoning').isVisible()).toBe(true);
    expect(w.sim.postingTags(extra)).toEqual(['remote', 'senior', 'assay:numerical-reasoning']);
    // The posting the simulator seeded by default is untouched.
    expect(w.sim.postingTags(DEFAULT_IDS.posting)).toEqual(['assay:numerical-30']);

    await page.close();

    // Opened again (dark this time), the view shows the mapping read back from Lever.
    const dark = await openView('admin', 'dark');
    const again = dark.getByRole('combobox', { name: 'Package for Platform Engineer' });
    await again.waitFor({ timeout: 20_000 });
    expect(await again.inputValue()).toBe('numerical-reasoning');
    const violations = await runAxe(dark);
    expect(violations, `dark:\n${describeViolations(violations)}`).toEqual([]);
    await dark.close();
  });

  test('a recruiter is told mapping is for admins and sees no controls', async () => {
    const page = await openView('recruiter');
    await page.getByText('Your role (recruiter) cannot change it').waitFor({ timeout: 20_000 });
    expect(await page.getByRole('combobox').count()).toBe(0);
    await page.close();
  });
});
