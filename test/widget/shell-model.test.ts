// @vitest-environment happy-dom
import { signal } from '@preact/signals';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { FrameMessages, ParentMessages } from '../../shared/embed-protocol.ts';
import type { Fetcher } from '../../widget/app/api.ts';
import type { Bridge } from '../../widget/app/bridge.ts';
import type { Launch } from '../../widget/app/launch.ts';
import { ShellModel } from '../../widget/app/shell/model.ts';

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

/** The loader's side of the protocol, in memory. */
function fakeBridge(active = true) {
  const sent: { type: keyof FrameMessages; payload: unknown }[] = [];
  const listeners = new Map<string, ((p: never) => void)[]>();
  const bridge: Bridge = {
    active,
    send: (type, payload) => void sent.push({ type, payload }),
    on: (type, l) => {
      listeners.set(type, [...(listeners.get(type) ?? []), l as (p: never) => void]);
      return () => listeners.set(type, (listeners.get(type) ?? []).filter((x) => x !== l));
    },
    destroy() {},
  };
  const parentSays = <K extends keyof ParentMessages>(type: K, payload: ParentMessages[K]) => listeners.get(type)?.forEach((l) => l(payload as never));
  return { bridge, sent, parentSays };
}

const SESSION = { token: 'sess-1', expires_at: '2030-01-01T00:00:00Z', account: { id: 'demo', name: 'Demo' }, role: 'admin', candidate: { id: 'c', name: null, email: null }, application: { id: 'a' }, job: { id: null, name: null } };

function shell(launch: Partial<Launch>, bridgeActive = true, sessionStatus = 200, api?: Fetcher) {
  const b = fakeBridge(bridgeActive);
  const contexts: string[] = [];
  const fetch: Fetcher = async (url, init) => {
    if (!url.endsWith('/api/session')) return api!(url, init);
    contexts.push(JSON.parse(String(init!.body)).context);
    return sessionStatus === 200
      ? new Response(JSON.stringify(SESSION), { status: 200 })
      : new Response(JSON.stringify({ error: { code: 'context_invalid', message: 'The context token has expired.' } }), { status: 401 });
  };
  const themes: string[] = [];
  const model = new ShellModel({
    launch: { view: 'picker', account: 'demo', instance: 'i-1', parent: 'https://ats.test', theme: 'auto', locale: 'en', context: null, ...launch },
    bridge: b.bridge,
    fetch,
    base: 'https://assay.test',
    hidden: signal(false),
    applyTheme: (theme, vars, locale) => void themes.push(`${theme} ${locale} ${JSON.stringify(vars)}`),
    loadView: async () => () => null,
    contextTimeout: 1000,
  });
  return { model, contexts, themes, ...b };
}

describe('shell', () => {
  test('says hello, takes the context from init, mints a session and reports ready', async () => {
    const s = shell({});
    const started = s.model.start();
    expect(s.sent[0]).toEqual({ type: 'hello', payload: { protocol: 1, view: 'picker' } });
    s.parentSays('init', { context: 'ctx.from.loader', theme: 'dark', vars: { accent: '#123456' }, locale: 'nl-BE', max_height: 800 });
    await started;
    expect(s.contexts).toEqual(['ctx.from.loader']);
    expect(s.model.phase.value).toBe('ready');
    await vi.waitFor(() => expect(s.sent.map((m) => m.type)).toContain('ready'));
    expect(s.sent.find((m) => m.type === 'ready')!.payload).toEqual({ v: 1, view: 'picker', role: 'admin' });
    expect(s.themes.at(-1)).toBe('dark nl {"accent":"#123456"}');
    expect(s.model.maxHeight.value).toBe(800);
  });

  test('a fragment context is used at once, without waiting for a loader', async () => {
    const s = shell({ context: 'ctx.from.fragment' }, false);
    await s.model.start();
    expect(s.contexts).toEqual(['ctx.from.fragment']);
    expect(s.model.phase.value).toBe('ready');
  });

  test('no context at all ends in an error the person can read, and tells the host page', async () => {
    const s = shell({}, true);
    const started = s.model.start();
    await vi.advanceTimersByTimeAsync(1000);
    await started;
    expect(s.model.phase.value).toBe('error');
    expect(s.model.message.value).toBe('Assay could not start: no context token was given.');
    expect(s.sent.at(-1)).toEqual({ type: 'error', payload: { v: 1, code: 'missing_context', message: 'Assay could not start: no context token was given.' } });
  });

  test('a refused context shows the server sentence', async () => {
    const s = shell({ context: 'old.ctx.token' }, false, 401);
    await s.model.start();
    expect(s.model.message.value).toBe('The context token has expired.');
  });

  test('the view follows update messages from the loader', async () => {
    const s = shell({ context: 'ctx.a.b' });
    await s.model.start();
    s.parentSays('update', { view: 'result', theme: 'light' });
    expect(s.model.view.value).toBe('result');
    expect(s.model.theme.value).toBe('light');
    s.parentSays('update', { view: 'nonsense' as never });
    expect(s.model.view.value).toBe('result');
  });

  test('after dispose the loader can no longer drive the model', async () => {
    const s = shell({ context: 'ctx.a.b' });
    await s.model.start();
    s.model[Symbol.dispose]();
    s.parentSays('update', { view: 'status' });
    expect(s.model.view.value).toBe('picker');
  });

  describe('an expired session', () => {
    const expiredOnce = () => {
      let calls = 0;
      const fetch: Fetcher = async () =>
        ++calls === 1
          ? new Response(JSON.stringify({ error: { code: 'session_expired', message: 'Your session has expired.' } }), { status: 401 })
          : new Response(JSON.stringify({ orders: [] }), { status: 200 });
      return fetch;
    };

    test('asks the loader for a fresh context, re-mints, and retries the call', async () => {
      const s = shell({ context: 'first.ctx.token', view: 'orders' }, true, 200, expiredOnce()); // orders: no package list requested at start
      await s.model.start();
      const pending = s.model.props.value!.api.listOrders();
      await vi.waitFor(() => expect(s.sent.map((m) => m.type)).toContain('context.request'));
      s.parentSays('context', { context: 'fresh.ctx.token' });
      expect(await pending).toEqual([]);
      expect(s.contexts).toEqual(['first.ctx.token', 'fresh.ctx.token']);
    });

    test('with a fragment context and no loader it says to reload the page', async () => {
      const s = shell({ context: 'first.ctx.token', view: 'orders' }, false, 200, expiredOnce());
      await s.model.start();
      await expect(s.model.props.value!.api.listOrders()).rejects.toThrow('Session expired — reload the page.');
    });
  });
});

describe('first view start-up', () => {
  test("the view's code, the session and then the package list are requested without waiting on each other", async () => {
    const log: string[] = [];
    let releaseView!: () => void;
    const viewArrived = new Promise<void>((r) => (releaseView = r));
    const packages = [{ id: 'p1', name: 'P1', description: 'd', type: 'SKILLS_TEST', duration_minutes: 10 }];
    const fetch: Fetcher = async (url) => {
      log.push(`fetch ${new URL(url).pathname}`);
      if (url.endsWith('/api/session')) return new Response(JSON.stringify(SESSION), { status: 200 });
      return new Response(JSON.stringify({ packages }), { status: 200 });
    };
    const b = fakeBridge(false);
    const model = new ShellModel({
      launch: { view: 'picker', account: 'demo', instance: 'i-1', parent: null, theme: 'auto', locale: 'en', context: 'ctx.fragment' },
      bridge: b.bridge,
      fetch,
      base: 'https://assay.test',
      hidden: signal(false),
      applyTheme: () => undefined,
      loadView: async (v) => {
        log.push(`view ${v}`);
        await viewArrived; // the chunk is still on its way
        return () => null;
      },
      contextTimeout: 1000,
    });
    await model.start();
    // The chunk was asked for before the session, and the package list as soon as the session existed.
    expect(log.slice(0, 3)).toEqual(['view picker', 'fetch /api/session', 'fetch /api/packages']);
    expect(model.component.value).toBeNull();
    releaseView();
    await vi.waitFor(() => expect(model.component.value).not.toBeNull());
    // The picker's first load takes the answer already requested; a later reload asks again.
    expect(await model.props.value!.api.listPackages()).toEqual(packages);
    expect(log.filter((l) => l === 'fetch /api/packages')).toHaveLength(1);
    expect(await model.props.value!.api.listPackages()).toEqual(packages);
    expect(log.filter((l) => l === 'fetch /api/packages')).toHaveLength(2);
  });
});
