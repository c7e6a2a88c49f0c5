// The npm entry of the embed loader: plain functions, no globals, nothing runs at import time.
import { createFrame, type AssayHandle, type MountOptions } from './create-frame.ts';
import { scan as scanElements } from './html-mode.ts';

export type {
  AssayEvent,
  EventMap,
  EventName,
  OrderStatus,
  Role,
  Theme,
  ThemeVars,
  View,
} from '../../shared/embed-protocol.ts';
export type { AssayHandle, Listener, Listeners, MountOptions, UpdateOptions } from './create-frame.ts';
export type { ContextSource } from './context-source.ts';

const hasDom = typeof window !== 'undefined' && typeof document !== 'undefined';

/** A handle that does nothing, for server-side rendering. */
const inert = (): AssayHandle =>
  ({ id: '', iframe: null, on: () => () => {}, off() {}, update() {}, destroy() {} }) as unknown as AssayHandle;

/** Mounts a widget iframe into `target` (an element or a selector). */
export function mount(target: string | Element, options: MountOptions, defaultOrigin?: string): AssayHandle {
  return hasDom ? createFrame(target, options, defaultOrigin) : inert();
}

/** Mounts every `[data-assay-view]` element under `root` that is not mounted yet. */
export function scan(root?: ParentNode, defaultOrigin?: string): AssayHandle[] {
  return hasDom ? scanElements(root, defaultOrigin) : [];
}

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
