// The one shape of a dashboard page's model: what its GET loaded and its state (loading, ready, error, with
// the sentence to show), the live region's notice, and a write from a form or dialog (its busy flag on while
// it runs, its error cleared, then the server's sentence when it fails). Jobs, Team, Settings, Integrations
// and Lever postings extend it; Candidates (keyset pages, polling) keeps its own load and uses the rest.
import { signal, type Signal } from '@preact/signals';
import { call, failureText, type Fetch } from './api.ts';

export type LoadState = 'loading' | 'ready' | 'error';

/** One write: `busy` is true while it runs; `error` is cleared first and holds the sentence if it fails. */
export interface Attempt {
  busy?: Signal<boolean>;
  error: Signal<string | null>;
  /** Said when the server (or the network) gives no sentence. */
  fallback: string;
}

export abstract class PageModel {
  readonly state = signal<LoadState>('loading');
  readonly error = signal<string | null>(null);
  /** Said by the page's live region after an action — set after the page has reloaded, so it matches the view. */
  readonly notice = signal('');

  constructor(protected readonly fetchFn: Fetch) {}

  protected call<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
    return call<T>(this.fetchFn, method, path, body);
  }

  /**
   * The page's GET: 'loading' at first and on Try again (what is shown stays while it reloads), then 'ready'
   * with `show` given the answer, or 'error' with the server's sentence or `fallback`.
   */
  protected async loadPage<T>(path: string, fallback: string, show: (answer: T) => void): Promise<void> {
    if (this.state.value === 'error') this.state.value = 'loading';
    try {
      show(await this.call<T>('GET', path));
      this.error.value = null;
      this.state.value = 'ready';
    } catch (err) {
      this.state.value = 'error';
      this.error.value = failureText(err, fallback);
    }
  }

  /** Runs `run` as one write (see Attempt); true when it worked. */
  protected async attempt(a: Attempt, run: () => Promise<void>): Promise<boolean> {
    if (a.busy) a.busy.value = true;
    a.error.value = null;
    try {
      await run();
      return true;
    } catch (err) {
      a.error.value = failureText(err, a.fallback);
      return false;
    } finally {
      if (a.busy) a.busy.value = false;
    }
  }
}
