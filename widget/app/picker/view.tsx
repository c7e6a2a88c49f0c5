// Package picker markup: search box, listbox (arrows, Home/End, Enter), Send and its outcomes.
import { useModel, useSignal } from '@preact/signals';
import type { ComponentType } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { Empty, ErrorState, Loading } from '../ui/states.tsx';
import type { ViewProps } from '../view-props.ts';
import { EXTRA_TIME_PERCENTS } from '../../../shared/extra-time.ts';
import { views } from '../views.ts';
import { PickerModel } from './model.ts';

const optionId = (id: string) => 'assay-pkg-' + id.replace(/[^\w-]/g, '_');

/** The status list shown after a send; its code loads only then, keeping the picker small. */
function StatusAfterSend(props: ViewProps) {
  const View = useSignal<ComponentType<ViewProps> | null>(null);
  useEffect(() => {
    void views.status().then((m) => (View.value = m.default));
  }, []);
  const Loaded = View.value;
  return Loaded ? <Loaded {...props} /> : <Loading text={props.t('status.loading')} />;
}

/** `statusAfterSend`: the props for a status list shown under the success message (the picker view alone). */
/** `autoFocus`: the picker alone (opened on purpose, e.g. in a dialog) puts focus in the search box. */
export function PickerPanel({ model, t, statusAfterSend, autoFocus }: { model: PickerModel; t: ViewProps['t']; statusAfterSend?: ViewProps; autoFocus?: boolean }) {
  const list = useRef<HTMLUListElement>(null);
  const search = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (autoFocus) search.current?.focus();
  }, []);
  const activeId = model.activeId.value;

  // Keep the active option inside the listbox's scroll area without scrolling the host page.
  useEffect(() => {
    const box = list.current;
    const el = activeId ? (box?.querySelector('#' + optionId(activeId)) as HTMLElement | null) : null;
    if (!box || !el) return;
    if (el.offsetTop < box.scrollTop) box.scrollTop = el.offsetTop;
    else if (el.offsetTop + el.offsetHeight > box.scrollTop + box.clientHeight) box.scrollTop = el.offsetTop + el.offsetHeight - box.clientHeight;
  }, [activeId]);

  const outcome = model.outcome.value;
  if (outcome?.kind === 'sent') {
    return (
      <section class="assay-panel" aria-labelledby="assay-picker-title">
        <h2 id="assay-picker-title" class="assay-view-title">{t('picker.title')}</h2>
        <p class="assay-success" role="status">
          {t('picker.sent', { name: outcome.order.package_name })}
        </p>
        <button type="button" class="assay-button assay-secondary" onClick={() => model.again()}>
          {t('picker.another')}
        </button>
        {statusAfterSend && <StatusAfterSend {...statusAfterSend} />}
      </section>
    );
  }

  const phase = model.phase.value;
  const filtered = model.filtered.value;
  const selected = model.selected.value;

  return (
    <section class="assay-panel" aria-labelledby="assay-picker-title">
      <h2 id="assay-picker-title" class="assay-view-title">{t('picker.title')}</h2>
      <label class="assay-label" for="assay-picker-search">
        {t('picker.search')}
      </label>
      <input
        ref={search}
        id="assay-picker-search"
        placeholder={t('picker.placeholder')}
        class="assay-input"
        type="search"
        autocomplete="off"
        aria-controls="assay-picker-list"
        value={model.query.value}
        onInput={(e) => model.search((e.currentTarget as HTMLInputElement).value)}
        onKeyDown={(e) => {
          // Down from the search box moves into the list, as in a combobox.
          if (e.key === 'ArrowDown' && list.current) {
            e.preventDefault();
            list.current.focus();
          }
        }}
      />
      {/* A fixed-height area: filtering never resizes the frame or the host's dialog. */}
      <div class="assay-list-area">
        {phase === 'loading' && <Loading text={t('picker.loading')} />}
        {phase === 'error' && <ErrorState message={model.error.value} onRetry={model.load} t={t} />}
        {phase === 'ready' && !model.packages.value.length && <Empty text={t('picker.empty')} />}
        {phase === 'ready' && !!model.packages.value.length && !filtered.length && <Empty text={t('picker.noMatch', { query: model.query.value })} />}
        <ul
          ref={list}
          id="assay-picker-list"
          class="assay-listbox"
          role="listbox"
          aria-label={t('picker.list')}
          tabIndex={0}
          hidden={!filtered.length}
          aria-activedescendant={activeId && filtered.length ? optionId(activeId) : undefined}
          onKeyDown={(e) => {
            if (model.key(e.key)) e.preventDefault();
          }}
        >
          {filtered.map((p) => (
            <li
              key={p.id}
              id={optionId(p.id)}
              role="option"
              class="assay-option"
              aria-selected={p.id === model.selectedId.value}
              data-active={p.id === activeId ? '' : undefined}
              onClick={() => model.choose(p.id)}
            >
              <span class="assay-option-name">{p.name}</span>
              <span class="assay-option-meta">
                {t(`type.${p.type}` as never) || p.type} · {t('picker.minutes', { n: p.duration_minutes })}
              </span>
              {p.description && <span class="assay-option-desc">{p.description}</span>}
            </li>
          ))}
        </ul>
      </div>
      {model.canOrder.value && (
        <fieldset class="assay-extra-time">
          <legend class="assay-label">{t('picker.extraTime')}</legend>
          {EXTRA_TIME_PERCENTS.map((p) => (
            <label key={p}>
              <input type="radio" name="assay-extra" checked={model.extraTime.value === p} onChange={() => (model.extraTime.value = p)} />
              {t(p ? 'picker.extraPlus' : 'picker.extraNone', { n: p })}
            </label>
          ))}
        </fieldset>
      )}
      {model.canOrder.value && model.blocked.value && (
        <p id="assay-picker-blocked" class="assay-refusal">
          {model.blocked.value}
        </p>
      )}
      {model.canOrder.value ? (
        <div class="assay-actions">
          <button type="button" class="assay-button" disabled={!model.canSend.value} aria-describedby={model.blocked.value ? 'assay-picker-blocked' : 'assay-picker-choice'} onClick={() => void model.send()}>
            {model.sending.value ? t('picker.sending') : t('picker.send')}
          </button>
          <span id="assay-picker-choice" class="assay-muted">
            {selected ? t('picker.chosen', { name: selected.name }) : t('picker.choose')}
          </span>
        </div>
      ) : (
        <p class="assay-note">{t('picker.viewer')}</p>
      )}
      {outcome && (
        <p class="assay-refusal" role="alert">
          {outcome.kind === 'refused' ? t('picker.refused', { message: outcome.message }) : outcome.message}
        </p>
      )}
    </section>
  );
}

export function PickerView(props: ViewProps) {
  const model = useModel(() => new PickerModel(props));
  useEffect(() => void model.load(), []);
  return <PickerPanel model={model} t={props.t} statusAfterSend={props} autoFocus />;
}

export default PickerView;
