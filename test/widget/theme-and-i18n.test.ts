// @vitest-environment happy-dom
import { signal } from '@preact/signals';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createTranslator, loadLocale, pickLocale } from '../../widget/app/i18n.ts';
import { applyTheme, cleanVars } from '../../widget/app/theme.ts';

const APP = join(import.meta.dirname, '../../widget/app');

describe('theme', () => {
  test('only well-formed --assay-* variables with harmless values reach the document', () => {
    expect(
      cleanVars({
        accent: '#0a7',
        '--assay-radius': '2px',
        '--other': 'red',
        'bg;color': 'red',
        fg: 'red; background: url(https://evil.test/x)',
        font: 'url(https://evil.test/f.woff)',
        size: 12,
      }),
    ).toEqual({ '--assay-accent': '#0a7', '--assay-radius': '2px' });
  });

  test('theme, locale and variables land on the root element', () => {
    applyTheme(document.documentElement, 'dark', { accent: 'rebeccapurple' }, 'nl');
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(document.documentElement.lang).toBe('nl');
    expect(document.documentElement.style.getPropertyValue('--assay-accent')).toBe('rebeccapurple');
  });

  test('the widget CSS uses no viewport units (auto-resize must not loop) and defines every theme', () => {
    const css = readFileSync(join(APP, 'styles.css'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    expect(css).not.toMatch(/\d(\.\d+)?(vh|vw|vmin|vmax|dvh|svh|lvh)\b/);
    expect(css).toContain(":root[data-theme='dark']");
    expect(css).toContain('prefers-color-scheme: dark');
    for (const v of ['--assay-bg', '--assay-fg', '--assay-accent', '--assay-radius', '--assay-font']) expect(css).toContain(v);
  });

  test('no view file reaches for storage or cookies', () => {
    const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(join(dir, d.name)) : [join(dir, d.name)]));
    for (const f of files(APP)) expect(readFileSync(f, 'utf8'), f).not.toMatch(/localStorage|sessionStorage|document\.cookie/);
  });
});

describe('i18n', () => {
  test('English by default; Dutch once loaded; placeholders filled', async () => {
    const locale = signal('nl');
    const t = createTranslator(locale);
    expect(pickLocale('nl-BE')).toBe('nl');
    expect(pickLocale('xx')).toBe('en');
    await loadLocale('nl');
    expect(t('picker.send')).toBe('Versturen');
    expect(t('picker.sent', { name: 'Cognitie' })).toBe('Cognitie is naar de kandidaat verstuurd.');
    locale.value = 'en';
    expect(t('picker.sent', { name: 'Cognitive' })).toBe('Cognitive was sent to the candidate.');
    expect(t('state.in_progress')).toBe('In progress');
  });
});
