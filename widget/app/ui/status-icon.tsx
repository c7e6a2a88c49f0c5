// One distinct shape per order status, so status never depends on colour alone; the label is text beside it.
import type { OrderStatus } from '../../../shared/embed-protocol.ts';

const PATHS: Record<OrderStatus, string> = {
  // clock
  pending: 'M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13ZM8 4v4l2.5 2',
  // half-filled circle
  in_progress: 'M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13ZM8 1.5v13',
  // check in a circle
  completed: 'M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13ZM5 8.2l2 2 4-4.4',
  // hourglass
  expired: 'M4 1.5h8M4 14.5h8M5 1.5c0 4 6 4 6 6.5s-6 2.5-6 6.5M11 1.5c0 4-6 4-6 6.5s6 2.5 6 6.5',
  // circle with a slash
  cancelled: 'M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13ZM3.4 3.4l9.2 9.2',
  // circle with a bar
  rejected: 'M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13ZM4.5 8h7',
  // warning triangle
  failed: 'M8 1.5 15 14H1ZM8 6v4M8 11.5v1',
};

export function StatusIcon({ status }: { status: OrderStatus }) {
  return (
    <svg class={`assay-icon assay-icon-${status}`} viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
      <path d={PATHS[status] || PATHS.pending} />
      {status === 'in_progress' && <path d="M8 1.5a6.5 6.5 0 0 1 0 13Z" class="assay-icon-fill" />}
    </svg>
  );
}
