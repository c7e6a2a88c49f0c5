// A status badge (icon + text) with an accessible tooltip: shown on hover and on focus, described by
// `aria-describedby`, dismissed with Escape. The tooltip sits in the flow so auto-resize can see it.
import type { ComponentChildren } from 'preact';
import type { OrderStatus } from '../../../shared/embed-protocol.ts';
import { StatusIcon } from './status-icon.tsx';

interface Props {
  id: string;
  status: OrderStatus;
  label: string;
  children: ComponentChildren;
}

const dismiss = (e: KeyboardEvent) => {
  if (e.key === 'Escape') (e.currentTarget as HTMLElement).parentElement?.setAttribute('data-tip-off', '');
};
const restore = (e: Event) => (e.currentTarget as HTMLElement).parentElement?.removeAttribute('data-tip-off');

export function StatusBadge({ id, status, label, children }: Props) {
  return (
    <>
      <button type="button" class={`assay-badge assay-status-${status}`} aria-describedby={id} onKeyDown={dismiss} onBlur={restore}>
        <StatusIcon status={status} />
        <span>{label}</span>
      </button>
      <div role="tooltip" id={id} class="assay-tip">
        {children}
      </div>
    </>
  );
}
