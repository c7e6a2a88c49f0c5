// Lever mappings markup: one row per posting with its current package, a labelled <select> and a Save
// button, and a per-row "Saved" / error line that screen readers hear.
import { useModel } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { LeverPostingView } from '../../../shared/api.ts';
import { Empty, ErrorState, Loading } from '../ui/states.tsx';
import type { ViewProps } from '../view-props.ts';
import { MappingsModel } from './model.ts';
import { MAPPINGS_CSS } from './styles.ts';

const domId = (prefix: string, id: string) => `map-${prefix}-${id.replace(/[^\w-]/g, '_')}`;

function Row({ model, posting }: { model: MappingsModel; posting: LeverPostingView }) {
  const mt = model.mt;
  const row = model.rows.value[posting.id] ?? { choice: '', status: 'idle', message: '' };
  const meta = [posting.team, posting.location].filter(Boolean).join(' · ');
  const m = posting.mapping;
  const selectId = domId('pkg', posting.id);
  const currentId = domId('cur', posting.id);
  const statusId = domId('st', posting.id);
  const saving = row.status === 'saving';
  return (
    <li class="map-row" data-posting={posting.id}>
      <div>
        <h3 class="map-title">{posting.text}</h3>
        {meta && <p class="map-meta">{meta}</p>}
        <p class="map-current" id={currentId}>
          {m ? mt('current', { name: m.package_active ? m.package_name ?? m.package_id : mt('inactive', { name: m.package_name ?? m.package_id }) }) : mt('unmapped')}
        </p>
      </div>
      <div class="map-edit">
        <label class="assay-sr-only" for={selectId}>
          {mt('packageFor', { title: posting.text })}
        </label>
        <select
          id={selectId}
          class="assay-input"
          value={row.choice}
          aria-describedby={`${currentId} ${statusId}`}
          onChange={(e) => model.choose(posting.id, (e.currentTarget as HTMLSelectElement).value)}
        >
          <option value="">{mt('none')}</option>
          {model.optionsFor(posting).map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
        <button
          type="button"
          class="assay-button"
          aria-label={mt('saveFor', { title: posting.text })}
          aria-disabled={saving ? 'true' : undefined}
          onClick={() => void model.save(posting.id)}
        >
          {saving ? mt('saving') : mt('save')}
        </button>
      </div>
      {/* Always present, so the change from "" to "Saved" or to the error is announced. */}
      <p class="map-status" id={statusId} role="status" data-status={row.status}>
        {row.status === 'saved' && (
          <>
            {mt('saved')}
            <span class="assay-sr-only"> {row.message}</span>
          </>
        )}
        {row.status === 'error' && row.message}
      </p>
    </li>
  );
}

export function MappingsPanel({ model, t, role }: { model: MappingsModel; t: ViewProps['t']; role: string }) {
  const mt = model.mt;
  const phase = model.phase.value;
  const postings = model.postings.value;
  return (
    <section class="assay-panel" aria-labelledby="map-title">
      <style>{MAPPINGS_CSS}</style>
      <h2 id="map-title">{mt('title')}</h2>
      {phase === 'forbidden' && <p class="assay-note">{mt('viewer', { role })}</p>}
      {phase === 'not_connected' && <p class="assay-note">{mt('notConnected')}</p>}
      {phase === 'loading' && <Loading text={mt('loading')} />}
      {phase === 'error' && <ErrorState message={model.error.value} onRetry={model.load} t={t} />}
      {model.empty.value && <Empty text={mt('empty')} />}
      {phase === 'ready' && !!postings.length && (
        <>
          <p class="assay-muted">{mt('intro')}</p>
          {!model.packages.value.length && <p class="assay-note">{mt('noPackages')}</p>}
          <ul class="map-list" aria-label={mt('list')}>
            {postings.map((p) => (
              <Row key={p.id} model={model} posting={p} />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

export function MappingsView(props: ViewProps) {
  const model = useModel(() => new MappingsModel(props));
  useEffect(() => void model.load(), []);
  return <MappingsPanel model={model} t={props.t} role={props.role} />;
}

export default MappingsView;
