// Settings: the account's company name and logo, frame origins, retention, invitation validity and score
// bands, saved through the validation `assay accounts:update` uses; the plan's features, read only.
import { signal } from '@preact/signals';
import { PageModel } from '../page-model.ts';

export interface Settings {
  company_name: string;
  logo_url: string;
  frame_origins: string[];
  retention_days: number;
  invitation_days: number | null;
  score_bands: { min: number; max: number; label: string }[] | null;
  features: string[];
}

/** The form's text fields as typed. */
export interface SettingsForm {
  company_name: string;
  logo_url: string;
  frame_origins: string;
  retention_days: string;
  invitation_days: string;
  score_bands: string;
}

export const bandsText = (b: Settings['score_bands']) => (b ?? []).map((x) => `${x.min}-${x.max}: ${x.label}`).join('\n');

export class SettingsModel extends PageModel {
  readonly settings = signal<Settings | null>(null);
  readonly saving = signal(false);
  readonly saveError = signal<string | null>(null);

  load(): Promise<void> {
    return this.loadPage<{ settings: Settings }>('/settings', 'The settings could not be loaded.', (r) => (this.settings.value = r.settings));
  }

  async save(f: SettingsForm): Promise<void> {
    this.saveError.value = null;
    this.notice.value = '';
    const body: Record<string, unknown> = {
      company_name: f.company_name,
      logo_url: f.logo_url.trim(),
      frame_origins: f.frame_origins.split(/[\s,]+/).filter(Boolean),
      retention_days: /^\d+$/.test(f.retention_days.trim()) ? Number(f.retention_days) : f.retention_days.trim() === '' ? 0 : NaN,
    };
    if (f.invitation_days.trim() !== '') body.invitation_days = /^\d+$/.test(f.invitation_days.trim()) ? Number(f.invitation_days) : NaN;
    if (f.score_bands.trim() !== '') {
      const bands = [];
      for (const line of f.score_bands.split('\n').map((l) => l.trim()).filter(Boolean)) {
        const m = /^(\d{1,3})\s*-\s*(\d{1,3})\s*:\s*(.+)$/.exec(line);
        if (!m) {
          this.saveError.value = `"${line}" is not a band: write lowest-highest: label, e.g. 0-49: No hire.`;
          return;
        }
        bands.push({ min: Number(m[1]), max: Number(m[2]), label: m[3]! });
      }
      body.score_bands = bands;
    }
    for (const [k, label] of [['retention_days', 'Retention'], ['invitation_days', 'Invitation validity']] as const) {
      if (Number.isNaN(body[k])) {
        this.saveError.value = `${label} must be a whole number of days.`;
        return;
      }
    }
    await this.attempt({ busy: this.saving, error: this.saveError, fallback: 'The settings could not be saved. Try again.' }, async () => {
      this.settings.value = (await this.call<{ settings: Settings }>('PUT', '/settings', body)).settings;
      this.notice.value = 'Settings saved.';
    });
  }
}
