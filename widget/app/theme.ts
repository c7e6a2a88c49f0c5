// Applies the theme and the integrator's `--assay-*` variables to the iframe's own document only.
import type { Theme, ThemeVars } from '../../shared/embed-protocol.ts';

const NAME = /^--assay-[a-z0-9-]{1,40}$/;
// A value may not close the declaration or fetch anything.
const UNSAFE = /[;{}<>\\]|url\(|expression\(|@import/i;

/** Keeps only well-formed `--assay-*` names (prefix optional) with harmless values. */
export function cleanVars(vars: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!vars || typeof vars !== 'object') return out;
  for (const [key, value] of Object.entries(vars)) {
    const name = key.startsWith('--') ? key : '--assay-' + key;
    if (NAME.test(name) && typeof value === 'string' && value.length <= 200 && !UNSAFE.test(value)) out[name] = value;
  }
  return out;
}

export function applyTheme(root: HTMLElement, theme: Theme, vars: ThemeVars, locale: string): void {
  root.dataset.theme = theme;
  root.lang = locale;
  const clean = cleanVars(vars);
  // The frame is transparent unless the integrator asks for a background.
  if (clean['--assay-bg']) clean['--assay-canvas'] = clean['--assay-bg'];
  for (const [name, value] of Object.entries(clean)) root.style.setProperty(name, value);
}
