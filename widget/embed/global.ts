// The script-tag build (`/embed.js`): installs `window.Assay`, replays the snippet's queue, scans the page.
import { createFrame } from './create-frame.ts';
import { scan } from './html-mode.ts';
import type { AssayApi, AssayGlobal } from './index.ts';

declare global {
  interface Window {
    Assay?: AssayGlobal;
  }
}

const w = window;
const stub = w.Assay;
if (!stub || !stub.loaded) {
  const script = document.currentScript as HTMLScriptElement | null;
  const origin = script && script.src ? new URL(script.src).origin : undefined;
  // The widget frame comes from this origin: open the connection now, while the page fetches its context.
  if (origin && origin != location.origin) document.head.appendChild(Object.assign(document.createElement('link'), { rel: 'preconnect', href: origin }));
  const api: AssayApi = {
    mount: (target, options) => createFrame(target, options, origin),
    scan: (root) => scan(root, origin),
  };
  const run = (args: ArrayLike<unknown>) => {
    try {
      return (api[args[0] as keyof AssayApi] as (...a: unknown[]) => unknown)(...[].slice.call(args, 1));
    } catch (err) {
      console.error(err);
    }
  };
  const queue = (stub && stub.q) || [];
  const assay = ((...args: unknown[]) => run(args)) as AssayGlobal;
  assay.loaded = true;
  w.Assay = assay;
  // Queued mounts may name elements further down the page: replay once the document is parsed.
  const start = () => {
    // A reference kept to the stub keeps working: its queue now runs calls at once.
    queue.push = (...calls) => (calls.forEach(run), 0);
    queue.forEach(run);
    scan(document, origin);
  };
  if (document.readyState == 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
}
