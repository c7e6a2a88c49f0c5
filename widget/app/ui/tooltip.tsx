// A tooltip that floats over the content instead of pushing it: the frame's height never changes
// when it opens. Opens on hover, on keyboard focus and on click/tap; never on focus the widget moves
// itself (e.g. after Cancel). Escape dismisses it (WCAG 1.4.13); hovering the tip keeps it open.
import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';

/** Set while the widget moves focus itself (after Cancel, Undo…): such focus never opens a tooltip. */
let quiet = false;

/** Moves focus without opening the tooltip of what receives it. */
export function focusQuietly(el: HTMLElement | null | undefined): void {
  quiet = true;
  try {
    el?.focus();
  } finally {
    quiet = false;
  }
}

/** Focus from the keyboard (Tab, also into the frame from the host page) is `:focus-visible`. */
const fromKeyboard = (el: Element) => !quiet && el.matches(':focus-visible');

/** Places `tip` below `anchor`, or above when it would pass the bottom of the document, inside the root. */
function place(anchor: HTMLElement, tip: HTMLElement) {
  const root = (tip.offsetParent as HTMLElement | null) ?? document.body;
  const r = root.getBoundingClientRect();
  const a = anchor.getBoundingClientRect();
  const s = tip.style;
  s.maxHeight = '';
  const height = root.clientHeight;
  const h = tip.offsetHeight;
  let top = a.bottom - r.top + 4;
  if (top + h > height) top = a.top - r.top - h - 4;
  if (top < 0) {
    // Taller than the room either side: use the whole frame and scroll inside the tip.
    top = 0;
    s.maxHeight = height + 'px';
  }
  s.top = top + 'px';
  s.left = Math.max(4, Math.min(a.left - r.left, root.clientWidth - tip.offsetWidth - 4)) + 'px';
}

interface Props {
  id: string;
  /** Classes of the trigger button. */
  class: string;
  /** What the trigger shows. */
  trigger: ComponentChildren;
  /** Accessible name of the trigger, when its text alone is not enough. */
  label?: string;
  children: ComponentChildren;
}

export function Tooltip({ id, class: cls, trigger, label, children }: Props) {
  const [open, setOpen] = useState(false);
  const anchor = useRef<HTMLButtonElement>(null);
  const tip = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    if (open && anchor.current && tip.current) place(anchor.current, tip.current);
  }, [open]);
  useEffect(() => {
    if (!open) return;
    const esc = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('keydown', esc);
    return () => document.removeEventListener('keydown', esc);
  }, [open]);
  return (
    <span class="assay-tip-anchor" onMouseEnter={() => setOpen(true)} onMouseLeave={() => setOpen(false)}>
      <button
        ref={anchor}
        type="button"
        class={cls}
        aria-describedby={id}
        aria-label={label}
        onFocus={(e) => fromKeyboard(e.currentTarget) && setOpen(true)}
        onBlur={() => setOpen(false)}
        onClick={() => setOpen(!open)}
      >
        {trigger}
      </button>
      <div role="tooltip" id={id} class="assay-tip" hidden={!open} ref={tip}>
        {children}
      </div>
    </span>
  );
}
