// A status badge (icon + text) with the order's details in a tooltip floating over the content.
import type { ComponentChildren } from 'preact';
import type { OrderStatus } from '../../../shared/embed-protocol.ts';
import { StatusIcon } from './status-icon.tsx';
import { Tooltip } from './tooltip.tsx';

interface Props {
  id: string;
  status: OrderStatus;
  label: string;
  children: ComponentChildren;
}

export function StatusBadge({ id, status, label, children }: Props) {
  return (
    <Tooltip
      id={id}
      class={`assay-badge assay-status-${status}`}
      trigger={
        <>
          <StatusIcon status={status} />
          <span>{label}</span>
        </>
      }
    >
      {children}
    </Tooltip>
  );
}
