// The Candidates page: search and filters, the table (cards at narrow widths), More, and a confirmation
// dialog for Resend and Cancel.
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { OrderStatus } from '../../../shared/api.ts';
import { StatusIcon } from '../../../widget/app/ui/status-icon.tsx';
import { ConfirmDialog } from '../confirm.tsx';
import { SOURCE_LABEL, STATUS_LABEL, when } from '../format.ts';
import { isAdmin } from '../me.ts';
import { FILTER_KEYS, type CandidateOrder, type CandidatesModel, type Query } from './model.ts';
import { LoadFailed } from '../load-failed.tsx';

function FilterForm({ model }: { model: CandidatesModel }) {
  const draft = useSignal<Query>({ ...model.query.value });
  useEffect(() => void (draft.value = { ...model.query.value }), [model.query.value]);
  const f = model.filters.value;
  const set = (k: keyof Query) => (e: Event) => (draft.value = { ...draft.value, [k]: (e.currentTarget as HTMLInputElement).value });
  const select = (k: keyof Query, label: string, options: { id: string; name: string }[]) => (
    <div class="field">
      <label for={`f-${k}`}>{label}</label>
      <select id={`f-${k}`} value={draft.value[k] ?? ''} onChange={set(k)}>
        <option value="">All</option>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
    </div>
  );
  return (
    <form
      class="card filters"
      role="search"
      aria-label="Candidates"
      onSubmit={(e) => {
        e.preventDefault();
        void model.apply(draft.value);
      }}
    >
      <div class="field wide">
        <label for="f-q">Search by name or e-mail</label>
        <input id="f-q" type="search" value={draft.value.q ?? ''} onInput={set('q')} autoComplete="off" />
      </div>
      {select('status', 'Status', (f?.statuses ?? []).map((s) => ({ id: s, name: STATUS_LABEL[s as OrderStatus] ?? s })))}
      {select('job_id', 'Job', f?.jobs ?? [])}
      {select('package_id', 'Assessment', f?.packages ?? [])}
      {select('source', 'Source', (f?.sources ?? []).map((s) => ({ id: s, name: SOURCE_LABEL[s] ?? s })))}
      <div class="field">
        <label for="f-from">Ordered from</label>
        <input id="f-from" type="date" value={draft.value.from ?? ''} onInput={set('from')} />
      </div>
      <div class="field">
        <label for="f-to">Ordered until</label>
        <input id="f-to" type="date" value={draft.value.to ?? ''} onInput={set('to')} />
      </div>
      <div class="actions">
        <button type="submit">Apply</button>
        {model.filtered.value && (
          <button type="button" class="secondary" onClick={() => void model.apply({})}>
            Clear filters
          </button>
        )}
      </div>
    </form>
  );
}

function Row({ o, model }: { o: CandidateOrder; model: CandidatesModel }) {
  const who = o.candidate.erased ? 'Erased candidate' : (o.candidate.name ?? o.candidate.email ?? 'Candidate');
  return (
    <tr data-order={o.id}>
      <td data-label="Status">
        <span class={`status status-${o.status}`}>
          <StatusIcon status={o.status} />
          <span>{STATUS_LABEL[o.status]}</span>
        </span>
      </td>
      <th scope="row" data-label="Candidate">
        <span class="who">{who}</span>
        {o.candidate.name && o.candidate.email && <span class="muted email">{o.candidate.email}</span>}
      </th>
      <td data-label="Assessment">{o.package.name}</td>
      <td data-label="Job">{o.job.name ?? o.job.id ?? '—'}</td>
      <td data-label="Source">{SOURCE_LABEL[o.source] ?? o.source}</td>
      <td data-label="Score" class="num">
        {o.score === null ? '—' : `${Math.round(o.score)}%`}
        {o.band && <span class="muted band">{o.band}</span>}
      </td>
      <td data-label="Invited">{when(o.invited_at)}</td>
      <td data-label="Started">{when(o.started_at)}</td>
      <td data-label="Completed">{when(o.completed_at)}</td>
      <td data-label="Actions" class="row-actions">
        <a href={`/report/${o.id}`} aria-label={`Report: ${who}, ${o.package.name}`}>
          Report
        </a>
        {isAdmin.value && o.can_resend && (
          <button type="button" class="small secondary" aria-label={`Resend: ${who}, ${o.package.name}`} onClick={() => model.ask('resend', o)}>
            Resend
          </button>
        )}
        {isAdmin.value && o.can_cancel && (
          <button type="button" class="small danger" aria-label={`Cancel: ${who}, ${o.package.name}`} onClick={() => model.ask('cancel', o)}>
            Cancel
          </button>
        )}
      </td>
    </tr>
  );
}

function CandidateConfirm({ model }: { model: CandidatesModel }) {
  const c = model.confirming.value;
  const cancel = c?.action === 'cancel';
  const who = c ? (c.order.candidate.name ?? c.order.candidate.email ?? 'the candidate') : '';
  return (
    <ConfirmDialog
      id="confirm"
      open={!!c}
      title={cancel ? 'Cancel this assessment?' : 'Send the invitation again?'}
      text={
        c &&
        (cancel
          ? `${who} will no longer be able to take ${c.order.package.name}; the ATS is told it was cancelled.`
          : `${who} gets a new link to ${c.order.package.name}; the old link stops working.`)
      }
      error={model.actionError.value}
      yes={cancel ? 'Yes, cancel it' : 'Yes, resend'}
      no={cancel ? 'Keep it' : 'Don’t send'}
      danger={cancel}
      busy={model.busy.value}
      onYes={() => void model.confirm()}
      onNo={() => model.dismiss()}
    />
  );
}

export function CandidatesView({ model }: { model: CandidatesModel }) {
  const state = model.state.value;
  const orders = model.orders.value;
  return (
    <>
      <h1>Candidates</h1>
      <p class="muted">Every assessment ordered for your candidates, from every ATS and the widget, newest first. The list updates by itself.</p>
      <FilterForm model={model} />
      <p class="visually-hidden" role="status" aria-live="polite">
        {model.notice.value}
      </p>
      {state === 'loading' && orders.length === 0 && (
        <p class="card" aria-busy="true">
          Loading candidates…
        </p>
      )}
      {state === 'error' && <LoadFailed message={model.error.value} onRetry={() => void model.load()} />}
      {state === 'ready' && orders.length === 0 && (
        <p class="card empty">{model.filtered.value ? 'No candidates match these filters.' : 'No candidates yet. Orders from your ATS and the widget appear here as soon as they are placed.'}</p>
      )}
      {orders.length > 0 && (
        <div class="table-wrap" role="region" aria-label="Candidates" tabIndex={0}>
          <table class="candidates">
            <caption class="visually-hidden">Candidates, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Status</th>
                <th scope="col">Candidate</th>
                <th scope="col">Assessment</th>
                <th scope="col">Job</th>
                <th scope="col">Source</th>
                <th scope="col">Score</th>
                <th scope="col">Invited</th>
                <th scope="col">Started</th>
                <th scope="col">Completed</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {orders.map((o) => (
                <Row key={o.id} o={o} model={model} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {model.nextCursor.value && state === 'ready' && (
        <button type="button" class="secondary more" onClick={() => void model.more()} disabled={model.loadingMore.value}>
          {model.loadingMore.value ? 'Loading…' : 'Show more'}
        </button>
      )}
      <CandidateConfirm model={model} />
    </>
  );
}
