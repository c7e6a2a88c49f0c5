// @vitest-environment happy-dom
// The script-tag loader opens the connection to the Assay origin as soon as it runs (before any mount),
// so the frame's page, scripts and session request do not wait for DNS, TCP and TLS.
import { expect, test, vi } from 'vitest';

test('the loader adds one preconnect to the origin it was served from', async () => {
  const script = document.createElement('script');
  script.src = 'https://assay.test/embed.js';
  vi.spyOn(document, 'currentScript', 'get').mockReturnValue(script);
  await import('../../widget/embed/global.ts');
  const links = [...document.head.querySelectorAll('link[rel="preconnect"]')].map((l) => (l as HTMLLinkElement).href.replace(/\/$/, ''));
  expect(links).toEqual(['https://assay.test']);
  expect(typeof window.Assay).toBe('function');
});
