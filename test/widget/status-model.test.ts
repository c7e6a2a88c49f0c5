// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { StatusModel } from '../../widget/app/status/model.ts';
import { fakeApi, order, viewProps } from './fake-api.ts';

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

function setup(orders = [order('o1', 'pending')]) {
  const api = fakeApi({ orders });
  const v = viewProps(api);
  const model = new StatusModel(v.props);
  return { api, model, ...v };
}

const polls = (calls: string[]) => calls.filter((c) => c === 'listOrders').length;

describe('status model', () => {
  test('polls about every 5 s while an order is pending, and only every 30 s once nothing is moving', async () => {
    const { api, model } = setup();
    await model.load();
    expect(polls(api.calls)).toBe(1);
    await vi.advanceTimersByTimeAsync(5000);
    expect(polls(api.calls)).toBe(2);
    api.orders = [order('o1', 'completed')];
    await vi.advanceTimersByTimeAsync(5000);
    expect(polls(api.calls)).toBe(3);
    expect(model.orders.value[0]!.status).toBe('completed');
    await vi.advanceTimersByTimeAsync(29000);
    expect(polls(api.calls)).toBe(3);
    await vi.advanceTimersByTimeAsync(1000); // an order placed in the ATS meanwhile still shows up
    expect(polls(api.calls)).toBe(4);
    model[Symbol.dispose]();
  });

  test('announces a status change politely and tells the host page', async () => {
    const { api, model, events } = setup();
    await model.load();
    expect(model.announcement.value).toBe('');
    api.orders = [order('o1', 'in_progress')];
    await vi.advanceTimersByTimeAsync(5000);
    expect(model.announcement.value).toBe('Cognitive ability: In progress');
    expect(events).toContainEqual({
      type: 'order.updated',
      payload: { v: 1, order_id: 'o1', status: 'in_progress', previous_status: 'pending' },
    });
    model[Symbol.dispose]();
  });

  test('pauses while the document is hidden and resumes when it is shown', async () => {
    const { api, model, hidden } = setup();
    await model.load();
    hidden.value = true;
    await vi.advanceTimersByTimeAsync(60000);
    expect(polls(api.calls)).toBe(1);
    hidden.value = false;
    await vi.advanceTimersByTimeAsync(5000);
    expect(polls(api.calls)).toBe(2);
    model[Symbol.dispose]();
  });

  test('backs off after failed polls and keeps showing the list', async () => {
    const { api, model } = setup();
    await model.load();
    api.failOrders = 2;
    await vi.advanceTimersByTimeAsync(5000); // fails (1)
    expect(model.phase.value).toBe('ready');
    expect(model.orders.value).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(9999);
    expect(polls(api.calls)).toBe(2);
    await vi.advanceTimersByTimeAsync(1); // 10 s after the first failure: fails (2)
    expect(polls(api.calls)).toBe(3);
    await vi.advanceTimersByTimeAsync(19999);
    expect(polls(api.calls)).toBe(3);
    await vi.advanceTimersByTimeAsync(1); // 20 s later: succeeds, back to 5 s
    expect(polls(api.calls)).toBe(4);
    await vi.advanceTimersByTimeAsync(5000);
    expect(polls(api.calls)).toBe(5);
    model[Symbol.dispose]();
  });

  test('stops polling when disposed', async () => {
    const { api, model } = setup();
    await model.load();
    model[Symbol.dispose]();
    await vi.advanceTimersByTimeAsync(60000);
    expect(polls(api.calls)).toBe(1);
  });

  test('a first load failure is an error state with the server sentence', async () => {
    const { api, model } = setup();
    api.failOrders = 1;
    await model.load();
    expect(model.phase.value).toBe('error');
    expect(model.error.value).toBe('Assay is having a moment.');
    await model.load();
    expect(model.phase.value).toBe('ready');
    model[Symbol.dispose]();
  });

  test('cancel updates the order and announces it; resend says the invitation went again', async () => {
    const { api, model, events } = setup([order('o1', 'pending'), order('o2', 'pending', { package_name: 'JavaScript coding' })]);
    await model.load();
    await model.cancel(model.orders.value[0]!);
    expect(api.calls).toContain('cancel:o1');
    expect(model.orders.value[0]!.status).toBe('cancelled');
    expect(model.announcement.value).toBe('Cognitive ability: Cancelled');
    await model.resend(model.orders.value[1]!);
    expect(model.announcement.value).toBe('Invitation for JavaScript coding sent again.');
    expect(events.filter((e) => e.type === 'order.updated')).toHaveLength(2);
    model[Symbol.dispose]();
  });
});
