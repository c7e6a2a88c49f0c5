// @vitest-environment happy-dom
import { describe, expect, test } from 'vitest';
import { readLaunch } from '../../widget/app/launch.ts';

function launch(href: string) {
  const replaced: string[] = [];
  const result = readLaunch({ href }, { state: null, replaceState: (_s: unknown, _t: string, url?: string | URL | null) => void replaced.push(String(url)) });
  return { result, replaced };
}

describe('launch URL', () => {
  test('reads the view, instance, parent origin, theme, locale, issuer and heading', () => {
    const { result, replaced } = launch('https://assay.test/widget/?view=status&account=demo&instance=i-1&parent=http%3A%2F%2Fats.test%3A8080&theme=dark&locale=nl');
    expect(result).toEqual({ view: 'status', account: 'demo', iss: null, instance: 'i-1', parent: 'http://ats.test:8080', theme: 'dark', locale: 'nl', heading: false, context: null });
    const named = launch('https://assay.test/widget/?view=status&iss=https%3A%2F%2Fats.test&heading=true').result;
    expect([named.iss, named.heading]).toEqual(['https://ats.test', true]);
    expect(replaced).toEqual([]);
  });

  test('a context in the fragment is read and removed from the address bar', () => {
    const { result, replaced } = launch('https://assay.test/widget/?view=picker#context=aaa.bbb.ccc');
    expect(result.context).toBe('aaa.bbb.ccc');
    expect(replaced).toEqual(['/widget/?view=picker']);
  });

  test('a context in the query (ATSs that can do nothing else) is read and scrubbed at once', () => {
    const { result, replaced } = launch('https://assay.test/widget/?context=aaa.bbb.ccc&view=result');
    expect(result.context).toBe('aaa.bbb.ccc');
    expect(replaced).toEqual(['/widget/?view=result']);
  });

  test('unknown views and themes fall back; a parent that is not an origin is dropped', () => {
    const { result } = launch('https://assay.test/widget/?view=admin&theme=neon&parent=javascript:alert(1)');
    expect(result.view).toBe('picker');
    expect(result.theme).toBe('auto');
    expect(result.parent).toBeNull();
  });
});
