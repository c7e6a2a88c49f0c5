// How the dashboard writes statuses, sources and times (one place, so every page says it the same way).
import type { OrderStatus } from '../../shared/api.ts';

export const STATUS_LABEL: Record<OrderStatus, string> = {
  pending: 'Invited',
  in_progress: 'In progress',
  completed: 'Completed',
  expired: 'Expired',
  cancelled: 'Cancelled',
  rejected: 'Rejected',
  failed: 'Failed',
};

export { SOURCE_LABEL } from '../../shared/api.ts';

const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
export const when = (iso: string | null) => (iso ? dateTime.format(new Date(iso)) : '—');
