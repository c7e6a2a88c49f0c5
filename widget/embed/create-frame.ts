// One mounted widget: the iframe, its handshake, resize, context refresh and events.
// Written for size (budget: 2 KB gzip for the whole loader), hence no optional chaining (es2019).
import {
  EVENT_NAMES,
  PROTOCOL_VERSION,
  type AssayEvent,
  type EventMap,
  type EventName,
  type FrameMessages,
  type ParentMessages,
  type Theme,
  type ThemeVars,
  type View,
} from '../../shared/embed-protocol.ts';
import { claims, readContext, refreshDelay, type ContextSource } from './context-source.ts';

export type Listener<K extends EventName | '*'> = K extends EventName
  ? (payload: EventMap[K]) => void
  : (event: AssayEvent) => void;

export type Listeners = { [K in EventName | '*']?: Listener<K> };

export interface MountOptions {
  /** Which view to show; default `picker`. */
  view?: View;
  /** The ATS context token, or a URL / function that returns a fresh one. */
  context: ContextSource;
  /** Assay account id; optional: without it the account is the context token's issuer's. */
  account?: string;
  theme?: Theme;
  /** `--assay-*` variables, sent to the iframe by message. */
  vars?: ThemeVars;
  locale?: string;
  /** Origin of the Assay server, for the npm module; the script tag always uses where `embed.js` came from. */
  origin?: string;
  /** Largest height the frame grows to, in pixels (default 2000). */
  maxHeight?: number;
  /** Accessible name of the iframe. */
  title?: string;
  /** Show the view's own heading; off by default, as the host page usually has one. */
  heading?: boolean;
  /** Listeners to attach before the first message (useful with queued calls). */
  on?: Listeners;
}

export type UpdateOptions = Partial<Pick<MountOptions, 'view' | 'context' | 'theme' | 'vars' | 'locale'>>;

export interface AssayHandle {
  readonly id: string;
  readonly iframe: HTMLIFrameElement;
  on<K extends EventName | '*'>(type: K, listener: Listener<K>): () => void;
  off<K extends EventName | '*'>(type: K, listener: Listener<K>): void;
  update(options: UpdateOptions): void;
  destroy(): void;
}

type AnyListener = (x: never) => void;
type FrameEnvelope = { assay: number; id: string; type: keyof FrameMessages; payload: Record<string, unknown> };

let counter = 0;

/** `scriptOrigin` (where embed.js came from) wins over `options.origin`: no markup can redirect the context. */
export function createFrame(target: string | Element, options: MountOptions, scriptOrigin?: string): AssayHandle {
  const host = typeof target == 'string' ? document.querySelector(target) : target;
  const origin = scriptOrigin || (options.origin && new URL(options.origin).origin);
  if (!host || !origin) throw Error('Assay: no ' + (host ? 'origin' : 'target'));

  const id = 'assay-' + ++counter + Math.random().toString(36).slice(2, 8);
  const max = options.maxHeight || 2000;
  const listeners: Record<string, AnyListener[]> = {};
  const state = { ...options };
  const iframe = document.createElement('iframe');
  const s = iframe.style;
  const url = new URL('/widget/', origin);
  let source = options.context;
  let token!: Promise<string | null>;
  let timer: ReturnType<typeof setTimeout>;
  let greeted = false;
  let height = -1;
  let dead = false;

  const params = { view: state.view || 'picker', account: state.account, instance: id, parent: location.origin, theme: state.theme, locale: state.locale, heading: state.heading as unknown as string };
  for (const [k, v] of Object.entries(params)) if (v) url.searchParams.set(k, v);
  iframe.title = options.title || 'Assay';
  // CSSOM writes, not a <style> element: allowed under a strict style-src.
  s.width = '100%';
  s.border = '0';
  s.display = 'block';
  s.height = '0';
  s.visibility = 'hidden';
  // The frame's prefers-color-scheme follows this element's color-scheme: 'light dark' = the visitor's.
  s.colorScheme = 'light dark';

  const send = <K extends keyof ParentMessages>(type: K, payload: ParentMessages[K]) =>
    iframe.contentWindow!.postMessage({ assay: PROTOCOL_VERSION, id, type, payload }, origin);

  const call = (list: AnyListener[] | undefined, x: unknown) =>
    (list || []).forEach((cb) => {
      try {
        cb(x as never);
      } catch (err) {
        // One failing listener must not stop the others; still surface the error.
        setTimeout(() => {
          throw err;
        });
      }
    });

  const emit = (type: EventName, payload: unknown) => {
    // The integrator must hear about a page that may not frame the widget (the message names the fix).
    const p = payload as EventMap['error'];
    if (type == 'error' && /^frame_/.test(p.code)) console.error('Assay: ' + p.message);
    call(listeners[type], payload);
    call(listeners['*'], { type, payload });
    host.dispatchEvent(new CustomEvent('assay:' + type, { detail: payload, bubbles: true }));
  };

  // Fetches a token now and, for a URL or function source, schedules the next one before it expires.
  const fetchToken = () => {
    const src = source;
    clearTimeout(timer);
    return (token = readContext(src).then(
      (t) => {
        const delay = typeof src != 'string' || src != t ? refreshDelay(t) : 0;
        if (delay && !dead && src == source) timer = setTimeout(pushToken, delay);
        return t;
      },
      (err: unknown) => {
        if (!dead) emit('error', { v: 1, code: 'context_unavailable', message: '' + err });
        return null;
      },
    ));
  };

  const pushToken = () =>
    fetchToken().then((t) => {
      if (t && greeted && !dead) send('context', { context: t });
    });

  const onMessage = (e: MessageEvent) => {
    const msg = e.data as FrameEnvelope;
    if (e.origin != origin || !e.source || e.source != iframe.contentWindow || !msg || msg.assay != PROTOCOL_VERSION || msg.id != id || !msg.payload) return;
    const type = msg.type;
    if (type == 'hello')
      token.then((context) => {
        if (dead) return;
        greeted = true;
        send('init', { context, theme: state.theme || 'auto', vars: state.vars || {}, locale: state.locale || 'en', max_height: max });
      });
    else if (type == 'resize') {
      const h = Math.min(max, Math.ceil(+(msg.payload.height as number)));
      // Grow at once (never clip); shrink only beyond a 2 px tolerance so rounding cannot oscillate.
      if (h > height || height - h > 2) s.height = (height = h) + 'px';
      s.visibility = '';
    } else if (type == 'context.request') pushToken();
    else if (EVENT_NAMES.indexOf(type as EventName) >= 0) emit(type as EventName, msg.payload);
  };

  const handle: AssayHandle = {
    id,
    iframe,
    on(type, cb) {
      (listeners[type] = listeners[type] || []).push(cb as AnyListener);
      return () => handle.off(type, cb);
    },
    off(type, cb) {
      listeners[type] = (listeners[type] || []).filter((f) => f != cb);
    },
    update(next) {
      Object.assign(state, next);
      if (next.context && next.context != source) {
        source = next.context;
        pushToken();
      }
      if (greeted) send('update', { theme: next.theme, vars: next.vars, locale: next.locale, view: next.view });
    },
    destroy() {
      dead = true;
      clearTimeout(timer);
      removeEventListener('message', onMessage);
      iframe.remove();
    },
  };

  const on = options.on || {};
  for (const k in on) handle.on(k as EventName, on[k as EventName] as Listener<EventName>);
  addEventListener('message', onMessage);
  fetchToken();
  // Without an account the server learns it from the token's issuer, so the frame waits for the token.
  // (An account is no JWT: `claims` throws and the frame starts at once.)
  Promise.resolve(state.account || token).then((t) => {
    try {
      url.searchParams.set('iss', claims(t!).iss);
    } catch {}
    iframe.src = url.href;
  });
  // A frame that never says hello was blocked (e.g. this origin is not allowed to frame the account).
  setTimeout(() => greeted || dead || emit('error', { v: 1, code: 'frame_timeout', message: 'timeout' }), 20000);
  host.appendChild(iframe);
  return handle;
}
