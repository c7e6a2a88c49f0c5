// The iframe side of the embed protocol: exact-origin posts to the parent, strict checks on replies.
import { envelope, openEnvelope, type FrameMessages, type ParentMessages } from '../../shared/embed-protocol.ts';

export interface Bridge {
  /** True when a parent origin and instance id were given and we are actually framed. */
  readonly active: boolean;
  send<K extends keyof FrameMessages>(type: K, payload: FrameMessages[K]): void;
  on<K extends keyof ParentMessages>(type: K, listener: (payload: ParentMessages[K]) => void): () => void;
  destroy(): void;
}

type Win = Pick<Window, 'parent' | 'addEventListener' | 'removeEventListener'>;

export function createBridge(win: Win, parentOrigin: string | null, instance: string | null): Bridge {
  const active = !!parentOrigin && !!instance && win.parent !== (win as unknown);
  const listeners = new Map<string, Set<(payload: never) => void>>();
  const onMessage = (e: MessageEvent) => {
    // Only our parent window, from the exact origin it was framed by, for this instance.
    if (e.origin !== parentOrigin || e.source !== win.parent) return;
    const msg = openEnvelope<ParentMessages>(e.data, instance as string);
    if (msg) listeners.get(msg.type)?.forEach((cb) => cb(msg.payload as never));
  };
  if (active) win.addEventListener('message', onMessage);
  return {
    active,
    send(type, payload) {
      if (active) win.parent.postMessage(envelope<FrameMessages, typeof type>(instance as string, type, payload), parentOrigin as string);
    },
    on(type, listener) {
      let set = listeners.get(type);
      if (!set) listeners.set(type, (set = new Set()));
      set.add(listener as (payload: never) => void);
      return () => set.delete(listener as (payload: never) => void);
    },
    destroy() {
      win.removeEventListener('message', onMessage);
      listeners.clear();
    },
  };
}

