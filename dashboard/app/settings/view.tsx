// The Settings page (admins): one form, saved at once, errors said next to the button, "Settings saved."
import { useRef } from 'preact/hooks';
import { LoadFailed } from '../load-failed.tsx';
import { SOURCE_LABEL } from '../format.ts';
import { bandsText, type Settings, type SettingsModel } from './model.ts';

function Form({ model, s }: { model: SettingsModel; s: Settings }) {
  const form = useRef<HTMLFormElement>(null);
  const err = model.saveError.value;
  const value = (name: string) => (form.current!.elements.namedItem(name) as HTMLInputElement).value;
  return (
    <form
      ref={form}
      class="card connect"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void model.save({
          company_name: value('company_name'),
          logo_url: value('logo_url'),
          frame_origins: value('frame_origins'),
          retention_days: value('retention_days'),
          invitation_days: value('invitation_days'),
          score_bands: value('score_bands'),
        });
      }}
    >
      <label for="s-company">Company name</label>
      <p class="muted" id="s-company-hint">
        Shown in the e-mails to candidates and to the users you invite.
      </p>
      <input id="s-company" name="company_name" type="text" defaultValue={s.company_name} aria-describedby="s-company-hint" />
      <label for="s-logo">Logo address (https, optional)</label>
      <p class="muted" id="s-logo-hint">
        An image on your website, shown in invitation e-mails.
      </p>
      <input id="s-logo" name="logo_url" type="url" defaultValue={s.logo_url} aria-describedby="s-logo-hint" />
      <label for="s-origins">Allowed frame origins</label>
      <p class="muted" id="s-origins-hint">
        The pages that may show the embedded widget, one per line, like https://ats.example.com (no path).
      </p>
      <textarea id="s-origins" name="frame_origins" rows={3} defaultValue={s.frame_origins.join('\n')} aria-describedby="s-origins-hint" />
      <label for="s-retention">Retention (days)</label>
      <p class="muted" id="s-retention-hint">
        Candidates’ personal data is erased this many days after their last assessment ends; 0 keeps it.
      </p>
      <input id="s-retention" name="retention_days" type="text" inputMode="numeric" defaultValue={String(s.retention_days)} aria-describedby="s-retention-hint" />
      <label for="s-invitation">Invitation validity (days)</label>
      <p class="muted" id="s-invitation-hint">
        How long a candidate’s assessment link works (1 to 90).
      </p>
      <input id="s-invitation" name="invitation_days" type="text" inputMode="numeric" defaultValue={s.invitation_days === null ? '' : String(s.invitation_days)} aria-describedby="s-invitation-hint" />
      <label for="s-bands">Score bands</label>
      <p class="muted" id="s-bands-hint">
        One per line, lowest-highest: label, from 0 to 100 (e.g. 0-49: No hire). Used for results from now on; empty: the default four bands.
      </p>
      <textarea id="s-bands" name="score_bands" rows={5} defaultValue={bandsText(s.score_bands)} aria-describedby="s-bands-hint" />
      {err && (
        <p class="error" role="alert" id="settings-error">
          {err}
        </p>
      )}
      <button type="submit" disabled={model.saving.value}>
        {model.saving.value ? 'Saving…' : 'Save settings'}
      </button>
    </form>
  );
}

export function SettingsView({ model }: { model: SettingsModel }) {
  const state = model.state.value;
  const s = model.settings.value;
  return (
    <>
      <h1>Settings</h1>
      <p role="status" aria-live="polite" class={model.notice.value ? 'notice' : 'visually-hidden'}>
        {model.notice.value}
      </p>
      {state === 'loading' && <p aria-busy="true">Loading the settings…</p>}
      {state === 'error' && <LoadFailed message={model.error.value} onRetry={() => void model.load()} />}
      {state === 'ready' && s && (
        <>
          <Form model={model} s={s} />
          <section class="card" aria-labelledby="plan-title">
            <h2 id="plan-title">Your plan</h2>
            <p>Integrations included: {s.features.map((f) => SOURCE_LABEL[f] ?? f).join(', ') || 'none'}.</p>
            <p class="muted">Your assessment provider sets the plan.</p>
          </section>
        </>
      )}
    </>
  );
}
