// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, test } from 'vitest';
import type { Order } from '../../widget/app/api.ts';
import { StatusView } from '../../widget/app/status/view.tsx';
import { fakeApi, order, viewProps } from './fake-api.ts';

afterEach(cleanup);

const ALL: Order[] = [
  order('o1', 'pending', { package_name: 'Pending one' }),
  order('o2', 'in_progress', { package_name: 'Busy one', started_at: '2025-01-03T09:00:00.000Z' }),
  order('o3', 'completed', { package_name: 'Done one', completed_at: '2025-01-04T09:00:00.000Z' }),
  order('o4', 'expired', { package_name: 'Late one' }),
  order('o5', 'cancelled', { package_name: 'Stopped one' }),
  order('o6', 'rejected', { package_name: 'Refused one', reason: 'Package inactive' }),
  order('o7', 'failed', { package_name: 'Broken one' }),
];

describe('status view', () => {
  test('each order has an icon, a text label and a tooltip tied with aria-describedby', async () => {
    render(<StatusView {...viewProps(fakeApi({ orders: ALL })).props} />);
    await screen.findByText('Pending one');
    const labels = ['Pending', 'In progress', 'Completed', 'Expired', 'Cancelled', 'Rejected', 'Failed'];
    const shapes = new Set<string>();
    for (const label of labels) {
      const badge = screen.getByRole('button', { name: label });
      const svg = badge.querySelector('svg')!;
      expect(svg.getAttribute('aria-hidden')).toBe('true');
      shapes.add(svg.innerHTML);
      const tip = document.getElementById(badge.getAttribute('aria-describedby')!)!;
      expect(tip.getAttribute('role')).toBe('tooltip');
      expect(tip.textContent).toContain(label);
      expect(tip.textContent).toContain('Created');
    }
    // Seven different shapes: status is never told by colour alone.
    expect(shapes.size).toBe(7);
    const rejected = screen.getByRole('button', { name: 'Rejected' });
    expect(document.getElementById(rejected.getAttribute('aria-describedby')!)!.textContent).toContain('Package inactive');
  });

  test('cancel and resend appear only for pending orders, and cancel changes the label', async () => {
    const api = fakeApi({ orders: ALL });
    render(<StatusView {...viewProps(api).props} />);
    await screen.findByText('Pending one');
    expect(screen.getAllByRole('button', { name: /^Cancel / })).toHaveLength(1);
    expect(screen.getAllByRole('button', { name: /^Resend / })).toHaveLength(1);
    fireEvent.click(screen.getByRole('button', { name: 'Cancel Pending one' }));
    // Cancel asks first; nothing is sent until it is confirmed.
    expect(api.calls.filter((c) => c.startsWith('cancel:'))).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'Yes, cancel' }));
    await waitFor(() => expect(screen.getAllByRole('button', { name: 'Cancelled' })).toHaveLength(2));
    expect(screen.queryByRole('button', { name: 'Cancel Pending one' })).toBeNull();
    // For a few seconds the cancel can be undone.
    expect(screen.getByRole('button', { name: 'Undo cancelling Pending one' })).toBeTruthy();
    const live = document.querySelector('[aria-live="polite"]')!;
    expect(live.textContent).toBe('Pending one: Cancelled');
  });

  test('a viewer gets no cancel or resend', async () => {
    render(<StatusView {...viewProps(fakeApi({ orders: ALL }), 'viewer').props} />);
    await screen.findByText('Pending one');
    expect(screen.queryByRole('button', { name: /^Cancel / })).toBeNull();
  });

  test('the live region exists before anything changes, and the empty state explains itself', async () => {
    render(<StatusView {...viewProps(fakeApi()).props} />);
    expect(document.querySelector('[aria-live="polite"]')).not.toBeNull();
    expect(await screen.findByText('No assessments have been sent to this candidate yet.')).toBeTruthy();
  });
});
