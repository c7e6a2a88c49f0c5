// The app shell: gets a context token, mints the session, applies theme and locale, loads the view.
import { computed, createModel, effect, signal, type ReadonlySignal } from '@preact/signals';
import type { ComponentType } from 'preact';
import { VIEWS, type Theme, type ThemeVars, type View } from '../../../shared/embed-protocol.ts';
import { createHttpApi, type Fetcher, type SessionInfo } from '../api.ts';
import type { Bridge } from '../bridge.ts';
import { createTranslator, loadLocale, pickLocale } from '../i18n.ts';
import type { Launch } from '../launch.ts';
import { createSession } from '../session.ts';
import { messageOf, type Emit, type ViewProps } from '../view-props.ts';

export interface ShellDeps {
  launch: Launch;
  bridge: Bridge;
  fetch: Fetcher;
  /** The Assay origin the API lives on. */
  base: string;
  hidden: ReadonlySignal<boolean>;
  applyTheme(theme: Theme, vars: ThemeVars, locale: string): void;
  loadView(view: View): Promise<ComponentType<ViewProps>>;
  /** How long to wait for the loader to hand over a context token, in ms. */
  contextTimeout?: number;
}

type Shell = 'starting' | 'ready' | 'error';

export const ShellModel = createModel((deps: ShellDeps) => {
  const { launch, bridge } = deps;
  const phase = signal<Shell>('starting');
  const message = signal('');
  const view = signal<View>(launch.view);
  const theme = signal<Theme>(launch.theme);
  const vars = signal<ThemeVars>({});
  const locale = signal(pickLocale(launch.locale));
  const maxHeight = signal(Infinity);
  const session = signal<SessionInfo | null>(null);
  const component = signal<ComponentType<ViewProps> | null>(null);
  const t = createTranslator(locale);
  const emit: Emit = (type, payload) => bridge.send(type, payload as never);

  let context = launch.context;
  const waiting = new Set<(context: string | null) => void>();
  const received = (next: string) => {
    context = next;
    waiting.forEach((w) => w(next));
    waiting.clear();
  };
  /** Resolves with the next context token the loader sends, or null after the timeout. */
  const nextContext = () =>
    new Promise<string | null>((resolve) => {
      if (!bridge.active) return resolve(null);
      const timer = setTimeout(() => {
        waiting.delete(done);
        resolve(null);
      }, deps.contextTimeout ?? 10000);
      const done = (c: string | null) => {
        clearTimeout(timer);
        resolve(c);
      };
      waiting.add(done);
    });

  const sessions = createSession({
    fetch: deps.fetch,
    base: deps.base,
    framing: {
      ...(launch.parent && bridge.active ? { parent: launch.parent } : {}),
      ...(launch.account ? { account: launch.account } : {}),
      ...(launch.iss ? { iss: launch.iss } : {}),
    },
    requestContext: () => {
      const next = nextContext();
      bridge.send('context.request', { reason: 'expired' });
      return next;
    },
    messages: () => ({ offline: t('offline'), expired: t('sessionExpired') }),
  });
  const http = createHttpApi({ fetch: deps.fetch, base: deps.base, session: sessions, offlineMessage: () => t('offline') });
  // The first view starts together with the session: the picker's package list is requested the moment
  // the session exists, while the view's code may still be arriving, and its first load takes that answer.
  let firstPackages: Promise<Awaited<ReturnType<typeof http.listPackages>>> | null = null;
  const api: typeof http = {
    ...http,
    listPackages: () => {
      const early = firstPackages;
      firstPackages = null;
      return early ?? http.listPackages();
    },
  };

  const props = computed<ViewProps | null>(() =>
    session.value ? { api, t, locale, role: session.value.role, hidden: deps.hidden, emit, refusal: session.value.refusal ?? null } : null,
  );

  const fail = (code: string, text: string) => {
    message.value = text;
    phase.value = 'error';
    emit('error', { v: 1, code, message: text });
  };

  const start = async () => {
    phase.value = 'starting';
    const pending = nextContext();
    bridge.send('hello', { protocol: 1, view: view.value });
    // The view's code downloads while the session is minted (the browser keeps the module for later).
    deps.loadView(view.value).catch(() => undefined);
    const token = context || (await pending);
    if (!token) return fail('missing_context', t('noContext'));
    try {
      const minted = await sessions.mint(token);
      if (view.value === 'picker') {
        firstPackages = http.listPackages();
        firstPackages.catch(() => undefined); // the picker reports a failure when it asks
      }
      session.value = minted;
      phase.value = 'ready';
    } catch (err) {
      fail((err as { code?: string }).code || 'session_failed', messageOf(err, t('offline')));
    }
  };

  // Listeners on the bridge live as long as the model.
  effect(() => {
    const offs = [
      bridge.on('init', (p) => {
        theme.value = p.theme;
        vars.value = p.vars || {};
        locale.value = pickLocale(p.locale);
        maxHeight.value = p.max_height > 0 ? p.max_height : Infinity;
        if (typeof p.context === 'string' && p.context) received(p.context);
      }),
      bridge.on('context', (p) => {
        if (typeof p.context === 'string' && p.context) received(p.context);
      }),
      bridge.on('update', (p) => {
        if (p.theme === 'light' || p.theme === 'dark' || p.theme === 'auto') theme.value = p.theme;
        if (p.vars) vars.value = { ...vars.value, ...p.vars };
        if (p.locale) locale.value = pickLocale(p.locale);
        if (p.view && VIEWS.includes(p.view)) view.value = p.view;
      }),
    ];
    return () => offs.forEach((off) => off());
  });

  effect(() => deps.applyTheme(theme.value, vars.value, locale.value));
  effect(() => void loadLocale(locale.value));

  // Loads the view's code once there is a session, and again whenever the view changes.
  effect(() => {
    if (phase.value !== 'ready') return;
    const v = view.value;
    const role = session.value?.role ?? 'viewer';
    let current = true;
    component.value = null;
    deps.loadView(v).then(
      (c) => {
        if (!current) return;
        component.value = c;
        emit('ready', { v: 1, view: v, role });
      },
      () => current && fail('view_unavailable', t('offline')),
    );
    return () => {
      current = false;
    };
  });

  return { phase, message, view, theme, locale, maxHeight, session, component, props, start };
});

export type ShellModel = InstanceType<typeof ShellModel>;
