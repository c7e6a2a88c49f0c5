// What the shell hands every view: the API, translations and the way to tell the host page things.
import type { ReadonlySignal } from '@preact/signals';
import type { EventMap, EventName, Role } from '../../shared/embed-protocol.ts';
import type { ApiClient } from './api.ts';
import type { Translate } from './i18n.ts';

export type Emit = <K extends EventName>(type: K, payload: EventMap[K]) => void;

export interface ViewProps {
  api: ApiClient;
  t: Translate;
  locale: ReadonlySignal<string>;
  role: Role;
  /** True while the document is hidden: polling pauses. */
  hidden: ReadonlySignal<boolean>;
  emit: Emit;
  /** A refusal every order would meet (no usable e-mail), known from the session: shown before Send. */
  refusal?: { code: string; message: string } | null;
}

export type Phase = 'loading' | 'ready' | 'error';

/** The sentence to show for anything thrown by the ApiClient. */
export function messageOf(err: unknown, fallback: string): string {
  return err instanceof Error && err.message ? err.message : fallback;
}
