// Integrations: one card per provider with its state, and per connection the last webhook, the last
// write-back, failing and dead jobs (Retry on dead ones) and the checks, run on request.
import { signal } from '@preact/signals';
import type { IntegrationCard } from '../../../server/dashboard/integrations.ts';
import type { GreenhouseSetup } from '../../../server/connectors/greenhouse/routes.ts';
import type { PartnerSetup } from '../../../server/connectors/recruitee/routes.ts';
import type { CheckFinding } from '../../../server/connectors/types.ts';
import { failureText } from '../api.ts';
import { PageModel } from '../page-model.ts';

export type { IntegrationCard, CheckFinding, GreenhouseSetup, PartnerSetup };

// The same limits and types as the server (server/connectors/recruitee/routes.ts), said before uploading.
export const LOGO_MAX_BYTES = 100 * 1024;
export const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/webp'];

/** What the partner settings form holds (the logo as the chosen file). */
export interface PartnerFormValues {
  codename: string;
  name: string;
  description: string;
  logo: File | null;
  static_package_id: string;
  account_id: string;
  company_id: string;
}

/** The logo file's problem in a sentence, or null. */
export function logoProblem(f: File): string | null {
  if (!LOGO_TYPES.includes(f.type)) return 'The logo must be a PNG, JPEG or WebP image.';
  if (f.size > LOGO_MAX_BYTES) return `The logo is ${Math.ceil(f.size / 1024)} KB; it may be at most ${LOGO_MAX_BYTES / 1024} KB.`;
  return null;
}

async function base64(f: File): Promise<string> {
  const bytes = new Uint8Array(await f.arrayBuffer());
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

export class IntegrationsModel extends PageModel {
  readonly cards = signal<IntegrationCard[]>([]);
  /** Per connection: its checks while running ('running'), their findings, or why they could not run. */
  readonly checks = signal<Record<string, 'running' | { ok: boolean; findings: CheckFinding[] } | { error: string }>>({});
  readonly retrying = signal<string | null>(null);
  /** Greenhouse's connect form: saving, its error, and what to copy into Greenhouse (shown once). */
  readonly ghBusy = signal(false);
  readonly ghError = signal<string | null>(null);
  readonly ghSetup = signal<GreenhouseSetup | null>(null);

  load(): Promise<void> {
    return this.loadPage<{ integrations: IntegrationCard[] }>('/integrations', 'The integrations could not be loaded.', (r) => (this.cards.value = r.integrations));
  }

  async check(connectionId: string): Promise<void> {
    this.checks.value = { ...this.checks.value, [connectionId]: 'running' };
    try {
      const r = await this.call<{ ok: boolean; findings: CheckFinding[] }>('POST', `/connections/${connectionId}/check`);
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
      await this.call('POST', `/jobs/${jobId}/retry`);
      await this.load();
      this.notice.value = 'The job will be tried again now.';
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
    await this.attempt({ busy: this.ghBusy, error: this.ghError, fallback: 'Greenhouse could not be connected. Try again.' }, async () => {
      this.ghSetup.value = await this.call<GreenhouseSetup>('POST', '/connections/greenhouse', { harvest_api_key: harvestApiKey });
      await this.load();
      this.notice.value = 'Greenhouse is connected. Copy the webhook and partner settings into Greenhouse now.';
    });
  }

  /** Lever's Configure: on its way to Lever's consent page, or why it could not start. */
  readonly leverBusy = signal(false);
  readonly leverError = signal<string | null>(null);

  async configureLever(go: (url: string) => void = (u) => location.assign(u)): Promise<void> {
    this.leverBusy.value = true;
    this.leverError.value = null;
    try {
      const r = await this.call<{ authorize_url: string }>('POST', '/connections/lever');
      this.notice.value = 'Opening Lever to review the permissions…';
      go(r.authorize_url);
    } catch (err) {
      this.leverError.value = failureText(err, 'Lever could not be configured. Try again.');
      this.leverBusy.value = false;
    }
  }

  /** The StackOne / Recruitee partner settings forms: saving, the error (and its field), what to copy (shown once). */
  readonly partnerBusy = signal<string | null>(null);
  readonly partnerError = signal<Record<string, { field: keyof PartnerFormValues | null; text: string }>>({});
  readonly partnerSetup = signal<PartnerSetup | null>(null);

  private setPartnerError(provider: string, field: keyof PartnerFormValues | null, text: string | null): void {
    const next = { ...this.partnerError.value };
    if (text) next[provider] = { field, text };
    else delete next[provider];
    this.partnerError.value = next;
  }

  async connectPartner(provider: 'stackone' | 'recruitee', f: PartnerFormValues): Promise<void> {
    const missing = (['codename', 'name', 'description', ...(provider === 'stackone' ? (['account_id'] as const) : [])] as const).find((k) => !f[k].trim());
    if (missing) return this.setPartnerError(provider, missing, `Enter the ${{ codename: 'partner codename', name: 'name', description: 'description', account_id: 'StackOne account id' }[missing]}.`);
    const bad = f.logo ? logoProblem(f.logo) : null;
    if (bad) return this.setPartnerError(provider, 'logo', bad);
    this.setPartnerError(provider, null, null);
    this.partnerBusy.value = provider;
    try {
      const body = {
        codename: f.codename.trim(),
        name: f.name.trim(),
        description: f.description.trim(),
        ...(f.logo ? { logo: { type: f.logo.type, data_base64: await base64(f.logo) } } : {}),
        ...(provider === 'stackone' ? { account_id: f.account_id.trim(), static_package_id: f.static_package_id } : { company_id: f.company_id.trim() }),
      };
      this.partnerSetup.value = await this.call<PartnerSetup>('POST', `/connections/${provider}`, body);
      await this.load();
      this.notice.value = `${provider === 'stackone' ? 'StackOne' : 'Recruitee'} is connected. Copy the settings shown now.`;
    } catch (err) {
      const text = failureText(err, 'The connection could not be saved. Try again.');
      const field = /codename/i.test(text) ? 'codename' : /logo/i.test(text) ? 'logo' : /account id|account_id/i.test(text) ? 'account_id' : null;
      this.setPartnerError(provider, field, text);
    } finally {
      this.partnerBusy.value = null;
    }
  }

  /** The account's active packages, for the static Package ID choice. */
  readonly packages = signal<{ id: string; name: string }[]>([]);
  async loadPackages(): Promise<void> {
    try {
      this.packages.value = (await this.call<{ packages: { id: string; name: string }[] }>('GET', '/candidates/filters')).packages;
    } catch {
      this.packages.value = [];
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
    await this.attempt({ error: this.disconnectError, fallback: 'The connection could not be disconnected. Try again.' }, async () => {
      await this.call('POST', `/connections/${d.id}/revoke`);
      this.disconnecting.value = null;
      await this.load();
      this.notice.value = 'Disconnected. Nothing more is read from or written to that ATS.';
    });
  }
}
