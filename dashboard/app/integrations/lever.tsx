// Lever → map postings to assessments (seed 002): the account's Lever postings read live from Lever, each with
// a package select and Map; saving calls the same mapPosting as `assay lever:map`, which tags the posting.
import { signal } from '@preact/signals';
import { useRef } from 'preact/hooks';
import type { LeverPostingView } from '../../../shared/api.ts';
import { failureText } from '../api.ts';
import { PageModel } from '../page-model.ts';
import { LoadFailed } from '../load-failed.tsx';
import { isAdmin } from '../me.ts';
import { onLinkClick } from '../router.ts';

export class LeverMappingModel extends PageModel {
  readonly postings = signal<LeverPostingView[]>([]);
  readonly packages = signal<{ id: string; name: string }[]>([]);
  readonly saving = signal<string | null>(null);
  /** Per posting: why its mapping could not be saved. */
  readonly rowError = signal<Record<string, string>>({});

  load(): Promise<void> {
    return this.loadPage<{ postings: LeverPostingView[]; packages: { id: string; name: string }[] }>('/lever/postings', 'The Lever postings could not be loaded.', (r) => {
      this.postings.value = r.postings;
      this.packages.value = r.packages;
    });
  }

  async map(postingId: string, packageId: string | null): Promise<void> {
    this.saving.value = postingId;
    const { [postingId]: _, ...rest } = this.rowError.value;
    this.rowError.value = rest;
    try {
      const r = await this.call<{ posting: LeverPostingView }>('PUT', `/lever/postings/${encodeURIComponent(postingId)}/mapping`, { package_id: packageId });
      this.postings.value = this.postings.value.map((p) => (p.id === postingId ? r.posting : p));
      this.notice.value = packageId ? `Mapped ${r.posting.text} to ${r.posting.mapping?.package_name ?? packageId}.` : `${r.posting.text} is no longer mapped.`;
    } catch (err) {
      this.rowError.value = { ...this.rowError.value, [postingId]: failureText(err, 'The mapping could not be saved. Try again.') };
    } finally {
      this.saving.value = null;
    }
  }
}

function Row({ p, model }: { p: LeverPostingView; model: LeverMappingModel }) {
  const select = useRef<HTMLSelectElement>(null);
  const err = model.rowError.value[p.id];
  const sel = `map-${p.id}`;
  return (
    <tr data-posting={p.id}>
      <th scope="row" data-label="Posting">
        {p.text}
        {(p.team || p.location) && <span class="muted"> · {[p.team, p.location].filter(Boolean).join(' · ')}</span>}
      </th>
      <td data-label="Tags">{p.tags.length ? p.tags.join(', ') : '—'}</td>
      <td data-label="Assessment">
        {isAdmin.value ? (
          <form
            class="inline"
            onSubmit={(e) => {
              e.preventDefault();
              void model.map(p.id, select.current?.value || null);
            }}
          >
            <label for={sel} class="visually-hidden">
              Assessment for {p.text}
            </label>
            <select id={sel} ref={select} defaultValue={p.mapping?.package_id ?? ''} aria-describedby={err ? `${sel}-error` : undefined} aria-invalid={err ? 'true' : undefined}>
              <option value="">Not mapped</option>
              {model.packages.value.map((k) => (
                <option key={k.id} value={k.id}>
                  {k.name}
                </option>
              ))}
            </select>{' '}
            <button type="submit" class="small" disabled={model.saving.value === p.id} aria-label={`Map ${p.text}`}>
              {model.saving.value === p.id ? 'Saving…' : 'Map'}
            </button>
            {err && (
              <p class="error" role="alert" id={`${sel}-error`}>
                {err}
              </p>
            )}
          </form>
        ) : (
          (p.mapping?.package_name ?? p.mapping?.package_id ?? 'Not mapped')
        )}
      </td>
    </tr>
  );
}

export function LeverMappingView({ model }: { model: LeverMappingModel }) {
  const state = model.state.value;
  return (
    <>
      <p>
        <a href="/dashboard/integrations" onClick={onLinkClick}>
          ← Integrations
        </a>
      </p>
      <h1>Lever: map postings to assessments</h1>
      <p class="muted">
        Choose the assessment for each job posting and click Map: Assay tags the posting in Lever. A candidate moved to the assessment stage on that posting is sent the assessment.
      </p>
      <p class="visually-hidden" role="status" aria-live="polite">
        {model.notice.value}
      </p>
      {state === 'loading' && <p aria-busy="true">Loading your Lever postings…</p>}
      {state === 'error' && <LoadFailed message={model.error.value} onRetry={() => void model.load()} />}
      {state === 'ready' && model.postings.value.length === 0 && <p class="card">There are no postings in Lever yet. Create a job posting in Lever, then come back.</p>}
      {state === 'ready' && model.postings.value.length > 0 && (
        <div class="table-wrap" role="region" aria-label="Lever postings" tabIndex={0}>
          <table class="postings">
            <caption class="visually-hidden">Lever postings and their assessments</caption>
            <thead>
              <tr>
                <th scope="col">Posting</th>
                <th scope="col">Tags in Lever</th>
                <th scope="col">Assessment</th>
              </tr>
            </thead>
            <tbody>
              {model.postings.value.map((p) => (
                <Row key={p.id} p={p} model={model} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
