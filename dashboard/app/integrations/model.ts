// Integrations: one card per provider with its state, and per connection the last webhook, the last
// write-back, failing and dead jobs (Retry on dead ones) and the checks, run on request.
import { signal } from '@preact/signals';
import type { IntegrationCard } from '../../../server/dashboard/integrations.ts';
import type { GreenhouseSetup } from '../../../server/dashboard/connections.ts';
import type { CheckFinding } from '../../../server/connectors/types.ts';
import { call, failureText, type Fetch } from '../api.ts';

export type { IntegrationCard, CheckFinding, GreenhouseSetup };

export class IntegrationsModel {
  readonly cards = signal<IntegrationCard[]>([]);
  readonly state = signal<'loading' | 'ready' | 'error'>('loading');
  readonly error = signal<string | null>(null);
  readonly notice = signal('');
  /** Per connection: its checks while running ('running'), their findings, or why they could not run. */
  readonly checks = signal<Record<string, 'running' | { ok: boolean; findings: CheckFinding[] } | { error: string }>>({});
  readonly retrying = signal<string | null>(null);
  /** Greenhouse's connect form: saving, its error, and what to copy into Greenhouse (shown once). */
  readonly ghBusy = signal(false);
  readonly ghError = signal<string | null>(null);
  readonly ghSetup = signal<GreenhouseSetup | null>(null);

  constructor(private readonly fetchFn: Fetch) {}

  async load(): Promise<void> {
    this.state.value = this.cards.value.length ? 'ready' : 'loading';
    try {
      this.cards.value = (await call<{ integrations: IntegrationCard[] }>(this.fetchFn, 'GET', '/integrations')).integrations;
      this.state.value = 'ready';
    } catch (err) {
      this.state.value = 'error';
      this.error.value = failureText(err, 'The integrations could not be loaded.');
    }
  }

  async check(connectionId: string): Promise<void> {
    this.checks.value = { ...this.checks.value, [connectionId]: 'running' };
    try {
      const r = await call<{ ok: boolean; findings: CheckFinding[] }>(this.fetchFn, 'POST', `/connections/${connectionId}/check`);
      this.checks.value = { ...this.checks.value, [connectionId]: r };
      const failed = r.findings.filter((f) => !f.ok).length;
      this.notice.value = failed ? `${failed} of ${r.findings.length} checks failed.` : `All ${r.findings.length} checks passed.`;
    } catch (err) {
      this.checks.value = { ...this.checks.value, [connectionId]: { error: failureText(err, 'The checks could not run.') } };
    }
  }

  async retry(jobId: string): Promise<void> {
    this.retrying.value = jobId;
    try {
      await call(this.fetchFn, 'POST', `/jobs/${jobId}/retry`);
      this.notice.value = 'The job will be tried again now.';
      await this.load();
    } catch (err) {
      this.notice.value = failureText(err, 'The job could not be retried.');
    } finally {
      this.retrying.value = null;
    }
  }

  async connectGreenhouse(harvestApiKey: string): Promise<void> {
    if (!harvestApiKey.trim()) {
      this.ghError.value = 'Paste the Harvest API key first.';
      return;
    }
    this.ghBusy.value = true;
    this.ghError.value = null;
    try {
      this.ghSetup.value = await call<GreenhouseSetup>(this.fetchFn, 'POST', '/connections/greenhouse', { harvest_api_key: harvestApiKey });
      this.notice.value = 'Greenhouse is connected. Copy the webhook and partner settings into Greenhouse now.';
      await this.load();
    } catch (err) {
      this.ghError.value = failureText(err, 'Greenhouse could not be connected. Try again.');
    } finally {
      this.ghBusy.value = false;
    }
  }

  /** The connection an admin is about to disconnect (the confirmation is open). */
  readonly disconnecting = signal<{ id: string; provider: string } | null>(null);
  readonly disconnectError = signal<string | null>(null);

  askDisconnect(id: string, provider: string): void {
    this.disconnectError.value = null;
    this.disconnecting.value = { id, provider };
  }

  keepConnected(): void {
    this.disconnecting.value = null;
    this.disconnectError.value = null;
  }

  async disconnect(): Promise<void> {
    const d = this.disconnecting.value;
    if (!d) return;
    this.disconnectError.value = null;
    try {
      await call(this.fetchFn, 'POST', `/connections/${d.id}/revoke`);
      this.disconnecting.value = null;
      this.notice.value = 'Disconnected. Nothing more is read from or written to that ATS.';
      await this.load();
    } catch (err) {
      this.disconnectError.value = failureText(err, 'The connection could not be disconnected. Try again.');
    }
  }
}
