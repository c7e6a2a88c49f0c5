// HTML-only mode: elements with `data-assay-view` mount themselves; `scan()` again after SPA renders.
// The Assay origin comes only from the loader's own URL, never from an attribute: such markup can sit
// in sanitized content (a candidate's cover letter) and must not send the context anywhere else.
import type { Theme, View } from '../../shared/embed-protocol.ts';
import { createFrame, type AssayHandle } from './create-frame.ts';

const mounted = new Map<Element, AssayHandle>();

/** Mounts every unmounted `[data-assay-view]` under `root`; forgets frames whose element left the page. */
export function scan(root: ParentNode = document, scriptOrigin?: string): AssayHandle[] {
  mounted.forEach((handle, el) => {
    if (!el.isConnected) {
      handle.destroy();
      mounted.delete(el);
    }
  });
  const found: AssayHandle[] = [];
  root.querySelectorAll('[data-assay-view]').forEach((el) => {
    if (mounted.has(el)) return;
    const d = (el as HTMLElement).dataset;
    try {
      const handle = createFrame(
        el,
        {
          view: d.assayView as View,
          context: d.assayContext!,
          account: d.assayAccount,
          theme: d.assayTheme as Theme | undefined,
          locale: d.assayLocale,
          maxHeight: +d.assayMaxHeight!, // NaN: the default
          title: d.assayTitle,
          heading: !!d.assayHeading,
          vars: JSON.parse(d.assayVars || 'null') as Record<string, string>,
        },
        scriptOrigin,
      );
      const destroy = handle.destroy;
      handle.destroy = () => {
        mounted.delete(el);
        destroy();
      };
      mounted.set(el, handle);
      found.push(handle);
    } catch (err) {
      console.error(err);
    }
  });
  return found;
}
