// An in-test ApiClient: a fake of the HTTP boundary for unit tests (the real server is covered in Chromium).
import { signal } from '@preact/signals';
import { ApiError, type ApiClient, type Order, type Package } from '../../widget/app/api.ts';
import { createTranslator } from '../../widget/app/i18n.ts';
import type { EventMap, EventName, OrderStatus } from '../../shared/embed-protocol.ts';
import type { ViewProps } from '../../widget/app/view-props.ts';

export const PACKAGES: Package[] = [
  { id: 'pkg-cog', name: 'Cognitive ability', description: 'Reasoning and numeracy', type: 'cognitive', duration_minutes: 25 },
  { id: 'pkg-pers', name: 'Personality profile', description: 'Work style questionnaire', type: 'personality', duration_minutes: 15 },
  { id: 'pkg-code', name: 'JavaScript coding', description: 'Practical coding task', type: 'skills', duration_minutes: 45 },
];

export function order(id: string, status: OrderStatus, extra: Partial<Order> = {}): Order {
  return {
    id,
    package_id: 'pkg-cog',
    package_name: 'Cognitive ability',
    status,
    source: 'widget',
    created_at: '2025-01-02T10:00:00.000Z',
    updated_at: '2025-01-02T10:00:00.000Z',
    invited_at: '2025-01-02T10:00:01.000Z',
    started_at: null,
    completed_at: null,
    expires_at: '2025-01-09T10:00:00.000Z',
    reason: null,
    result: null,
    ...extra,
  };
}

export interface FakeApi extends ApiClient {
  packages: Package[];
  orders: Order[];
  calls: string[];
  keys: string[];
  /** Next createOrder answer: an order is made unless this is set. */
  refuse: ApiError | null;
  /** Makes listOrders fail this many more times. */
  failOrders: number;
}

export function fakeApi(init: Partial<Pick<FakeApi, 'packages' | 'orders'>> = {}): FakeApi {
  let seq = 0;
  const api: FakeApi = {
    packages: init.packages ?? PACKAGES,
    orders: init.orders ?? [],
    calls: [],
    keys: [],
    refuse: null,
    failOrders: 0,
    async listPackages() {
      api.calls.push('listPackages');
      return api.packages;
    },
    async listOrders() {
      api.calls.push('listOrders');
      if (api.failOrders > 0) {
        api.failOrders--;
        throw new ApiError(503, 'unavailable', 'Assay is having a moment.');
      }
      return api.orders.map((o) => ({ ...o }));
    },
    async createOrder(packageId, key) {
      api.calls.push('createOrder');
      api.keys.push(key);
      if (api.refuse) throw api.refuse;
      const pkg = api.packages.find((p) => p.id === packageId)!;
      const o = order('ord-new-' + ++seq, 'pending', { package_id: pkg.id, package_name: pkg.name });
      api.orders = [o, ...api.orders];
      return o;
    },
    async cancelOrder(id) {
      api.calls.push('cancel:' + id);
      api.orders = api.orders.map((o) => (o.id === id ? { ...o, status: 'cancelled' } : o));
      return api.orders.find((o) => o.id === id)!;
    },
    async restoreOrder(id) {
      api.calls.push('restore:' + id);
      api.orders = api.orders.map((o) => (o.id === id ? { ...o, status: 'pending' } : o));
      return api.orders.find((o) => o.id === id)!;
    },
    async resendOrder(id) {
      api.calls.push('resend:' + id);
      return api.orders.find((o) => o.id === id)!;
    },
    // Insights have their own fake (test/widget/insights-model.test.ts); these views never call them.
    async getInsights() {
      throw new ApiError(500, 'not_faked', 'getInsights is not faked here');
    },
    async insightsCsv() {
      throw new ApiError(500, 'not_faked', 'insightsCsv is not faked here');
    },
    // The Lever mappings view has its own fake (test/widget/mappings-fixture.ts).
    async leverPostings() {
      throw new ApiError(500, 'not_faked', 'leverPostings is not faked here');
    },
    async mapLeverPosting() {
      throw new ApiError(500, 'not_faked', 'mapLeverPosting is not faked here');
    },
  };
  return api;
}

export type Emitted = { type: EventName; payload: EventMap[EventName] }[];

/** The props a view gets from the shell, with a recording `emit`. */
export function viewProps(api: ApiClient, role: ViewProps['role'] = 'recruiter') {
  const locale = signal('en');
  const hidden = signal(false);
  const events: Emitted = [];
  const props: ViewProps = {
    api,
    t: createTranslator(locale),
    locale,
    role,
    hidden,
    emit: (type, payload) => void events.push({ type, payload }),
  };
  return { props, events, hidden, locale };
}
