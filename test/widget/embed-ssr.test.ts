// @vitest-environment node
// Importing the npm entry on a server (no window, no document) does nothing and throws nothing.
import { expect, test } from 'vitest';

test('the loader is inert without a DOM', async () => {
  expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined');
  const embed = await import('../../widget/embed/index.ts');
  const handle = embed.mount('#anything', { account: 'demo', context: 'a.b.c' }, 'https://assay.test');
  expect(() => handle.update({ theme: 'dark' })).not.toThrow();
  expect(() => handle.destroy()).not.toThrow();
  expect(typeof handle.on('ready', () => {})).toBe('function');
  expect(embed.scan()).toEqual([]);
});
