// The Jobs page: each job with its assessments (state in words, never colour alone), Create for admins,
// Publish, and Unpublish behind a confirmation. Members see the same list without the actions.
import { useRef, useState } from 'preact/hooks';
import { ConfirmDialog } from '../confirm.tsx';
import { SOURCE_LABEL, when } from '../format.ts';
import { isAdmin } from '../me.ts';
import type { AssessmentView, JobsData, JobsModel, JobView } from './model.ts';
import { LoadFailed } from '../load-failed.tsx';

const STATUS_LABEL = { draft: 'Draft', published: 'Published', unpublished: 'Unpublished' } as const;
const STATUS_MARK = { draft: '○', published: '●', unpublished: '◌' } as const;
const EXTRA = [0, 25, 50, 100];

function CreateForm({ model, data }: { model: JobsModel; data: JobsData }) {
  const [atsJob, setAtsJob] = useState(data.ats_jobs[0] ? `${data.ats_jobs[0].connection_id}:${data.ats_jobs[0].id}` : '');
  const name = useRef<HTMLInputElement>(null);
  const days = useRef<HTMLInputElement>(null);
  const extra = useRef<HTMLSelectElement>(null);
  const form = useRef<HTMLFormElement>(null);
  const err = model.createError.value;
  return (
    <form
      ref={form}
      class="card create-job"
      aria-labelledby="create-title"
      onSubmit={(e) => {
        e.preventDefault();
        const picked = [...(form.current?.querySelectorAll<HTMLInputElement>('input[name="package"]:checked') ?? [])].map((i) => i.value);
        void model.create({ atsJob, jobName: name.current?.value ?? '', packageIds: picked, invitationDays: Number(days.current?.value || data.defaults.invitation_days), extraTimePercent: Number(extra.current?.value ?? 0) });
      }}
    >
      <h2 id="create-title">Create a job's assessments</h2>
      <label for="job-pick">Job</label>
      <select id="job-pick" value={atsJob} onChange={(e) => setAtsJob((e.target as HTMLSelectElement).value)}>
        {data.ats_jobs.map((j) => (
          <option key={`${j.connection_id}:${j.id}`} value={`${j.connection_id}:${j.id}`}>
            {j.name} ({SOURCE_LABEL[j.provider] ?? j.provider})
          </option>
        ))}
        <option value="">Type a job title…</option>
      </select>
      {atsJob === '' && (
        <>
          <label for="job-name">Job title</label>
          <input id="job-name" ref={name} maxLength={200} autoComplete="off" />
        </>
      )}
      <fieldset>
        <legend>Assessments</legend>
        {data.packages.length === 0 && <p class="muted">Your account has no active assessment packages yet.</p>}
        {data.packages.map((p) => (
          <label key={p.id} class="check">
            <input type="checkbox" name="package" value={p.id} /> {p.name}
          </label>
        ))}
      </fieldset>
      <div class="filters">
        <div>
          <label for="job-days">Invitation valid for (days)</label>
          <input id="job-days" ref={days} type="number" min={1} max={90} defaultValue={String(data.defaults.invitation_days)} />
        </div>
        <div>
          <label for="job-extra">Extra time</label>
          <select id="job-extra" ref={extra} defaultValue={String(data.defaults.extra_time_percent)}>
            {EXTRA.map((x) => (
              <option key={x} value={String(x)}>
                {x === 0 ? 'None' : `+${x}%`}
              </option>
            ))}
          </select>
        </div>
      </div>
      {err && (
        <p class="error" role="alert">
          {err}
        </p>
      )}
      <div class="actions">
        <button type="submit" disabled={model.createBusy.value}>
          {model.createBusy.value ? 'Creating…' : 'Create'}
        </button>
        <button type="button" class="secondary" onClick={() => (model.creating.value = false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function AssessmentRow({ a, model }: { a: AssessmentView; model: JobsModel }) {
  const rowErr = model.rowError.value?.id === a.id ? model.rowError.value.message : null;
  return (
    <tr data-assessment={a.id}>
      <th scope="row">{a.package.name}</th>
      <td data-label="State">
        <span class={`state state-${a.status}`}>
          <span aria-hidden="true">{STATUS_MARK[a.status]}</span> {STATUS_LABEL[a.status]}
        </span>
        {a.status === 'published' && a.published_at && <span class="muted"> since {when(a.published_at)}</span>}
      </td>
      <td data-label="Defaults">
        {a.invitation_days} {a.invitation_days === 1 ? 'day' : 'days'}
        {a.extra_time_percent ? `, +${a.extra_time_percent}% time` : ''}
      </td>
      <td data-label="In the ATS">{a.status === 'published' ? <span>{a.name}</span> : <span class="muted">Not visible</span>}</td>
      {isAdmin.value && (
        <td data-label="Actions">
          {a.status === 'published' ? (
            <button type="button" class="danger small" disabled={model.busy.value === a.id} aria-label={`Unpublish ${a.name}`} onClick={() => model.askUnpublish(a)}>
              Unpublish
            </button>
          ) : (
            <button type="button" class="small" disabled={model.busy.value === a.id || !a.package.active} aria-label={`Publish ${a.name}`} onClick={() => void model.publish(a)}>
              {model.busy.value === a.id ? 'Publishing…' : 'Publish'}
            </button>
          )}
          {rowErr && (
            <p class="error" role="alert">
              {rowErr}
            </p>
          )}
        </td>
      )}
    </tr>
  );
}

function Job({ job, model }: { job: JobView; model: JobsModel }) {
  const h = `job-${job.key.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  return (
    <section class="card job" aria-labelledby={h}>
      <h2 id={h}>{job.name}</h2>
      <p class="muted">{job.source ? `From ${SOURCE_LABEL[job.source.provider] ?? job.source.provider}` : 'Typed in'}</p>
      {job.assessments.length === 0 ? (
        <p class="muted">No assessments for this job yet.</p>
      ) : (
        <div class="table-wrap" role="region" aria-label={`Assessments for ${job.name}`} tabIndex={0}>
          <table class="assessments">
            <thead>
              <tr>
                <th scope="col">Assessment</th>
                <th scope="col">State</th>
                <th scope="col">Defaults</th>
                <th scope="col">Shown in the ATS as</th>
                {isAdmin.value && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {job.assessments.map((a) => (
                <AssessmentRow key={a.id} a={a} model={model} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function JobsView({ model }: { model: JobsModel }) {
  const state = model.state.value;
  const data = model.data.value;
  const u = model.unpublishing.value;
  return (
    <>
      <h1>Jobs</h1>
      <p class="muted">Choose assessments for your jobs. Published, they can be ordered from your ATS.</p>
      <p class="visually-hidden" role="status" aria-live="polite">
        {model.notice.value}
      </p>
      {state === 'loading' && <p aria-busy="true">Loading jobs…</p>}
      {state === 'error' && <LoadFailed message={model.error.value} onRetry={() => void model.load()} />}
      {state === 'ready' && data && (
        <>
          {isAdmin.value && !model.creating.value && (
            <p>
              <button type="button" onClick={() => (model.creating.value = true)}>
                Create a job
              </button>
            </p>
          )}
          {isAdmin.value && model.creating.value && <CreateForm model={model} data={data} />}
          {data.jobs.length === 0 && <p class="card">No jobs yet. Connect your ATS to see its jobs here, or create one.</p>}
          {data.jobs.map((j) => (
            <Job key={j.key} job={j} model={model} />
          ))}
        </>
      )}
      <ConfirmDialog
        id="unpublish"
        open={!!u}
        title="Unpublish this assessment?"
        text={u ? `"${u.name}" will no longer be offered in your ATS, and new orders for it will be refused. Tests already sent go on.` : ''}
        error={model.unpublishError.value}
        yes="Unpublish"
        no="Keep it published"
        danger
        busy={!!u && model.busy.value === u.id}
        onYes={() => void model.unpublish()}
        onNo={() => model.keepPublished()}
      />
    </>
  );
}
