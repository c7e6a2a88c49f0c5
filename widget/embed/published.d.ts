// Public types of the Assay embed loader, copied to dist/embed/index.d.ts by vite.embed.config.ts.
// Not named index.d.ts: TypeScript would resolve that name to index.ts and never compare the two.
// Hand-written to stay self-contained; test/widget/embed-types.test.ts checks it against the source.

export type View = 'picker' | 'status' | 'result' | 'orders' | 'insights' | 'mappings';
export type Theme = 'light' | 'dark' | 'auto';
export type Role = 'recruiter' | 'admin' | 'viewer';
export type OrderStatus =
  | 'pending'
  | 'in_progress'
  | 'completed'
  | 'expired'
  | 'cancelled'
  | 'rejected'
  | 'failed';

/** `--assay-*` custom properties; keys may be given with or without the `--assay-` prefix. */
export type ThemeVars = Record<string, string>;

/** Events the widget reports. Every payload carries `v` so it can evolve without breaking. */
export interface EventMap {
  /** The widget has a session and shows its view. */
  ready: { v: 1; view: View; role: Role };
  /** The recruiter sent an order from the picker. */
  'order.created': {
    v: 1;
    order_id: string;
    package_id: string;
    package_name: string;
    status: OrderStatus;
  };
  /** An order's status changed (seen by polling, or by cancel / resend). */
  'order.updated': {
    v: 1;
    order_id: string;
    status: OrderStatus;
    previous_status: OrderStatus | null;
  };
  /** The recruiter pressed **Open** on a result card. */
  'result.opened': { v: 1; order_id: string; result_url: string };
  /** Something went wrong that the person was told about; `code` is machine-readable. */
  error: { v: 1; code: string; message: string };
}
export type EventName = keyof EventMap;
/** What a `'*'` listener receives. */
export type AssayEvent = { [K in EventName]: { type: K; payload: EventMap[K] } }[EventName];

export type Listener<K extends EventName | '*'> = K extends EventName
  ? (payload: EventMap[K]) => void
  : (event: AssayEvent) => void;
export type Listeners = { [K in EventName | '*']?: Listener<K> };

/** A token, a URL that answers with one (text or `{ "context": … }`), or a function returning one. */
export type ContextSource = string | { url: string } | (() => string | Promise<string>);

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

/** Mounts a widget iframe into `target` (an element or a selector). Inert without a DOM. */
export declare function mount(target: string | Element, options: MountOptions, defaultOrigin?: string): AssayHandle;
/** Mounts every `[data-assay-view]` element under `root` that is not mounted yet. */
export declare function scan(root?: ParentNode, defaultOrigin?: string): AssayHandle[];

/** The commands of the global `Assay(…)` function, as a typed instruction map. */
export interface AssayApi {
  mount(target: string | Element, options: MountOptions): AssayHandle;
  scan(root?: ParentNode): AssayHandle[];
}
export type AssayInstruction = { [K in keyof AssayApi]: [K, ...Parameters<AssayApi[K]>] }[keyof AssayApi];
export interface AssayGlobal {
  <K extends keyof AssayApi>(command: K, ...args: Parameters<AssayApi[K]>): ReturnType<AssayApi[K]> | undefined;
  /** Calls made by the snippet before the loader arrived. */
  q?: ArrayLike<unknown>[];
  /** Set once the real loader has replaced the snippet's stub. */
  loaded?: true;
}
