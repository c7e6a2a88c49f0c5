// Candidates: every order of the account, newest first, filtered, one page at a time (keyset), kept
// fresh by polling the first page while the tab is visible; Resend and Cancel after a confirmation.
import { computed, signal } from '@preact/signals';
import type { CandidateOrder } from '../../../server/dashboard/candidates.ts';
import { failureText, type Fetch } from '../api.ts';
import { PageModel } from '../page-model.ts';

export type { CandidateOrder };
export const FILTER_KEYS = ['q', 'status', 'job_id', 'package_id', 'source', 'from', 'to'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type Query = Partial<Record<FilterKey, string>>;
export interface Filters {
  statuses: string[];
  sources: string[];
  packages: { id: string; name: string }[];
  jobs: { id: string; name: string }[];
}
type Page = { orders: CandidateOrder[]; next_cursor: string | null };
export type Action = 'cancel' | 'resend';

export const POLL_MS = 4000;

export const queryFromSearch = (search: string): Query => {
  const p = new URLSearchParams(search);
  const q: Query = {};
  for (const k of FILTER_KEYS) {
    const v = p.get(k)?.trim();
    if (v) q[k] = v;
  }
  return q;
};
export const searchFromQuery = (q: Query, extra: Record<string, string> = {}) => {
  const p = new URLSearchParams();
  for (const k of FILTER_KEYS) if (q[k]) p.set(k, q[k]!);
  for (const [k, v] of Object.entries(extra)) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
};

export class CandidatesModel extends PageModel {
  readonly filters = signal<Filters | null>(null);
  readonly query = signal<Query>({});
  readonly orders = signal<CandidateOrder[]>([]);
  readonly nextCursor = signal<string | null>(null);
  readonly loadingMore = signal(false);
  readonly confirming = signal<{ action: Action; order: CandidateOrder } | null>(null);
  readonly busy = signal(false);
  readonly actionError = signal<string | null>(null);
  readonly filtered = computed(() => Object.keys(this.query.value).length > 0);
  #timer: ReturnType<typeof setInterval> | null = null;
  #generation = 0;
  readonly #jobsAsked = new Set<string>();

  constructor(
    fetchFn: Fetch,
    private readonly hidden: { value: boolean },
    private readonly replaceUrl: (search: string) => void,
  ) {
    super(fetchFn);
  }

  async start(search: string): Promise<void> {
    this.query.value = queryFromSearch(search);
    this.#loadFilters();
    await this.load();
    this.#timer = setInterval(() => void this.refresh(), POLL_MS);
  }

  #loadFilters(): void {
    void this.call<Filters>('GET', '/candidates/filters').then((f) => (this.filters.value = f), () => undefined);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  async apply(q: Query): Promise<void> {
    const clean: Query = {};
    for (const k of FILTER_KEYS) if (q[k]?.trim()) clean[k] = q[k]!.trim();
    this.query.value = clean;
    this.replaceUrl(searchFromQuery(clean));
    await this.load();
  }

  async load(): Promise<void> {
    const gen = ++this.#generation;
    this.state.value = 'loading';
    this.error.value = null;
    try {
      const page = await this.call<Page>('GET', `/candidates${searchFromQuery(this.query.value)}`);
      if (gen !== this.#generation) return;
      this.orders.value = page.orders;
      this.nextCursor.value = page.next_cursor;
      this.state.value = 'ready';
      const n = page.orders.length;
      this.notice.value = n === 0 ? 'No candidates match.' : `${n}${page.next_cursor ? ' or more' : ''} ${n === 1 ? 'candidate' : 'candidates'} shown.`;
    } catch (err) {
      if (gen !== this.#generation) return;
      this.state.value = 'error';
      this.error.value = failureText(err, 'The candidates could not be loaded.');
    }
  }

  async more(): Promise<void> {
    const cursor = this.nextCursor.value;
    if (!cursor || this.loadingMore.value) return;
    this.loadingMore.value = true;
    const gen = this.#generation;
    try {
      const page = await this.call<Page>('GET', `/candidates${searchFromQuery(this.query.value, { cursor })}`);
      if (gen !== this.#generation) return;
      const seen = new Set(this.orders.value.map((o) => o.id));
      this.orders.value = [...this.orders.value, ...page.orders.filter((o) => !seen.has(o.id))];
      this.nextCursor.value = page.next_cursor;
      this.notice.value = `${page.orders.length} more shown.`;
    } catch (err) {
      this.error.value = failureText(err, 'More candidates could not be loaded.');
    } finally {
      this.loadingMore.value = false;
    }
  }

  /** Live update: the first page again, merged (new orders on top, changed ones in place), nothing lost below. */
  async refresh(): Promise<void> {
    if (this.hidden.value || this.state.value !== 'ready' || this.busy.value) return;
    const gen = this.#generation;
    try {
      const page = await this.call<Page>('GET', `/candidates${searchFromQuery(this.query.value)}`);
      if (gen !== this.#generation) return;
      const fresh = new Set(page.orders.map((o) => o.id));
      const last = page.orders[page.orders.length - 1];
      // Rows the first page covers come from it; rows loaded further down stay as they were.
      const rest = last ? this.orders.value.filter((o) => !fresh.has(o.id) && (o.created_at < last.created_at || (o.created_at === last.created_at && o.id < last.id))) : [];
      this.orders.value = [...page.orders, ...rest];
      if (rest.length === 0) this.nextCursor.value = page.next_cursor;
      // A job first named by an order that arrived while the page is open joins the Job filter.
      // (Asked once per job: the filter lists at most the server's first 500 jobs.)
      const known = new Set((this.filters.value?.jobs ?? []).map((j) => j.id));
      const unseen = page.orders.filter((o) => o.job.id && !known.has(o.job.id) && !this.#jobsAsked.has(o.job.id)).map((o) => o.job.id!);
      if (this.filters.value && unseen.length) {
        for (const id of unseen) this.#jobsAsked.add(id);
        this.#loadFilters();
      }
    } catch {
      /* the next poll tries again; a lasting problem shows on the next user action */
    }
  }

  ask(action: Action, order: CandidateOrder): void {
    this.actionError.value = null;
    this.confirming.value = { action, order };
  }

  dismiss(): void {
    this.confirming.value = null;
    this.actionError.value = null;
  }

  async confirm(): Promise<boolean> {
    const c = this.confirming.value;
    if (!c || this.busy.value) return false;
    return this.attempt({ busy: this.busy, error: this.actionError, fallback: 'That did not work. Try again.' }, async () => {
      const { order } = await this.call<{ order: CandidateOrder }>('POST', `/orders/${c.order.id}/${c.action}`);
      this.orders.value = this.orders.value.map((o) => (o.id === order.id ? order : o));
      this.confirming.value = null;
      const who = order.candidate.name ?? order.candidate.email ?? 'the candidate';
      this.notice.value = c.action === 'cancel' ? `Cancelled ${order.package.name} for ${who}.` : `A new invitation to ${order.package.name} was sent to ${who}.`;
    });
  }
}
