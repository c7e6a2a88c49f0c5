// @vitest-environment happy-dom
import { describe, expect, test } from 'vitest';
import { createBridge } from '../../widget/app/bridge.ts';

/** A stand-in for the iframe's window: its parent records posts, and we deliver messages by hand. */
function frameWindow() {
  const posted: { msg: unknown; origin: string }[] = [];
  const parent = { postMessage: (msg: unknown, origin: string) => void posted.push({ msg, origin }) } as unknown as Window;
  const listeners: ((e: MessageEvent) => void)[] = [];
  const win = {
    parent,
    addEventListener: (_t: string, l: (e: MessageEvent) => void) => void listeners.push(l),
    removeEventListener: (_t: string, l: (e: MessageEvent) => void) => listeners.splice(listeners.indexOf(l), 1),
  } as unknown as Window;
  const deliver = (data: unknown, origin: string, source: unknown) => listeners.forEach((l) => l({ data, origin, source } as MessageEvent));
  return { win, parent, posted, deliver, listeners };
}

const init = { context: 'a.b.c', theme: 'dark', vars: {}, locale: 'en', max_height: 900 };

describe('iframe bridge', () => {
  test('posts versioned envelopes to the exact parent origin', () => {
    const w = frameWindow();
    const bridge = createBridge(w.win, 'https://ats.test', 'i-1');
    bridge.send('resize', { height: 120 });
    expect(w.posted).toEqual([{ msg: { assay: 1, id: 'i-1', type: 'resize', payload: { height: 120 } }, origin: 'https://ats.test' }]);
  });

  test('accepts only the parent window, from the parent origin, for this instance', () => {
    const w = frameWindow();
    const bridge = createBridge(w.win, 'https://ats.test', 'i-1');
    const got: unknown[] = [];
    bridge.on('init', (p) => void got.push(p));
    const msg = { assay: 1, id: 'i-1', type: 'init', payload: init };
    w.deliver(msg, 'https://evil.test', w.parent); // wrong origin
    w.deliver(msg, 'https://ats.test', {}); // wrong window
    w.deliver({ ...msg, id: 'i-2' }, 'https://ats.test', w.parent); // another instance
    w.deliver({ ...msg, assay: 2 }, 'https://ats.test', w.parent); // unknown protocol version
    w.deliver('{"assay":1}', 'https://ats.test', w.parent); // not an envelope
    expect(got).toEqual([]);
    w.deliver(msg, 'https://ats.test', w.parent);
    expect(got).toEqual([init]);
    bridge.destroy();
    expect(w.listeners).toHaveLength(0);
  });

  test('without a parent origin or instance it stays silent', () => {
    const w = frameWindow();
    const bridge = createBridge(w.win, null, 'i-1');
    bridge.send('resize', { height: 1 });
    expect(bridge.active).toBe(false);
    expect(w.posted).toEqual([]);
    expect(w.listeners).toHaveLength(0);
  });
});
