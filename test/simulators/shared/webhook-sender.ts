/**
 * Outbound webhook deliveries with retries, recorded for tests; each simulator passes its success rule (Lever: any 2xx, Greenhouse: exactly 200).
 * Timers are cancelled by close() so a stopped simulator never fires late.
 */
import { randomUUID } from 'node:crypto';

export interface DeliveryAttempt {
  at: string;
  status: number | null;
  error?: string;
  durationMs: number;
}

export interface Delivery {
  id: string;
  event: string;
  url: string;
  headers: Record<string, string>;
  /** The raw body exactly as sent. */
  body: string;
  attempts: DeliveryAttempt[];
  state: 'pending' | 'delivered' | 'failed' | 'skipped';
  note?: string;
}

export interface SenderOptions {
  /** Whether an answer counts as delivered. */
  isSuccess(status: number): boolean;
  /** Waits before each retry; its length is the number of retries. Read at send time. */
  retryDelaysMs(): number[];
  timeoutMs(): number;
}

export class WebhookSender {
  private items: Delivery[] = [];
  private timers = new Set<NodeJS.Timeout>();
  private inFlight = 0;
  private closed = false;

  constructor(private readonly opts: SenderOptions) {}

  /** Starts a delivery in the background and returns its (live) record. */
  send(input: { event: string; url: string; headers: Record<string, string>; body: string; retry?: boolean }): Delivery {
    const d: Delivery = { id: randomUUID(), event: input.event, url: input.url, headers: input.headers, body: input.body, attempts: [], state: 'pending' };
    this.items.push(d);
    const delays = input.retry === false ? [] : [...this.opts.retryDelaysMs()];
    void this.attempt(d, delays);
    return d;
  }

  /** Records an event that was not sent (e.g. the webhook is disabled). */
  skip(input: { event: string; url: string; body: string; note: string }): Delivery {
    const d: Delivery = { id: randomUUID(), event: input.event, url: input.url, headers: {}, body: input.body, attempts: [], state: 'skipped', note: input.note };
    this.items.push(d);
    return d;
  }

  /** Resolves once the delivery reaches a final state (delivered or failed). */
  async settled(d: Delivery, timeoutMs = 10_000): Promise<Delivery> {
    const until = Date.now() + timeoutMs;
    while (d.state === 'pending') {
      if (Date.now() > until) throw new Error(`delivery ${d.id} still pending after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
    return d;
  }

  list(): Delivery[] {
    return this.items;
  }

  clear(): void {
    this.items = this.items.filter((d) => d.state === 'pending');
  }

  /** Resolves when no delivery is pending. */
  async idle(timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.items.some((d) => d.state === 'pending') || this.inFlight > 0) {
      if (Date.now() > until) throw new Error(`deliveries still pending after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const d of this.items) if (d.state === 'pending') { d.state = 'failed'; d.note = 'simulator closed'; }
  }

  private async attempt(d: Delivery, delays: number[]): Promise<void> {
    if (this.closed) return;
    this.inFlight++;
    const started = Date.now();
    let status: number | null = null;
    let error: string | undefined;
    try {
      // redirect: 'manual' because a 3xx is a failed delivery, not something to follow
      const res = await fetch(d.url, { method: 'POST', headers: d.headers, body: d.body, redirect: 'manual', signal: AbortSignal.timeout(this.opts.timeoutMs()) });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (e) {
      error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    } finally {
      this.inFlight--;
    }
    if (this.closed) return;
    d.attempts.push({ at: new Date(started).toISOString(), status, ...(error ? { error } : {}), durationMs: Date.now() - started });
    if (status !== null && this.opts.isSuccess(status)) {
      d.state = 'delivered';
      return;
    }
    const wait = delays[d.attempts.length - 1];
    if (wait === undefined) {
      d.state = 'failed';
      return;
    }
    const t = setTimeout(() => {
      this.timers.delete(t);
      void this.attempt(d, delays);
    }, wait);
    this.timers.add(t);
  }
}
