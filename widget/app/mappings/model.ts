// Lever mappings: the account's Lever postings, each with a package chosen from the account's active
// packages and saved per row. Admin role only; the server checks that too.
import { computed, createModel, signal } from '@preact/signals';
import type { LeverPostingView } from '../../../shared/api.ts';
import { messageOf, type ViewProps } from '../view-props.ts';
import { mappingsTranslator } from './strings.ts';

export type MappingsPhase = 'forbidden' | 'not_connected' | 'loading' | 'ready' | 'error';

export type MappingsDeps = Pick<ViewProps, 'api' | 't' | 'locale' | 'role' | 'emit'>;

export interface Option {
  id: string;
  name: string;
}

/** One row's edit state: the package chosen in its select ('' = none) and how its last save went. */
export interface RowState {
  choice: string;
  status: 'idle' | 'saving' | 'saved' | 'error';
  message: string;
}

const current = (p: LeverPostingView) => p.mapping?.package_id ?? '';

export const MappingsModel = createModel((deps: MappingsDeps) => {
  const mt = mappingsTranslator(() => deps.locale.value);
  const allowed = deps.role === 'admin';
  const phase = signal<MappingsPhase>(allowed ? 'loading' : 'forbidden');
  const error = signal('');
  const postings = signal<LeverPostingView[]>([]);
  const packages = signal<Option[]>([]);
  const rows = signal<Record<string, RowState>>({});
  let connectionId: string | undefined;
  let seq = 0;

  const setRow = (id: string, patch: Partial<RowState>) => {
    const prev = rows.value[id] ?? { choice: '', status: 'idle', message: '' };
    rows.value = { ...rows.value, [id]: { ...prev, ...patch } };
  };

  const load = async () => {
    if (!allowed) return;
    const mine = ++seq;
    phase.value = 'loading';
    error.value = '';
    try {
      const [list, pkgs] = await Promise.all([deps.api.leverPostings(), deps.api.listPackages()]);
      if (mine !== seq) return;
      connectionId = list.connection_id;
      postings.value = list.postings;
      packages.value = pkgs.map((p) => ({ id: p.id, name: p.name })).sort((a, b) => a.name.localeCompare(b.name));
      rows.value = Object.fromEntries(list.postings.map((p) => [p.id, { choice: current(p), status: 'idle', message: '' } as RowState]));
      phase.value = 'ready';
    } catch (err) {
      if (mine !== seq) return;
      const code = (err as { code?: string }).code;
      if (code === 'lever_not_connected') phase.value = 'not_connected';
      else if (code === 'role_not_allowed') phase.value = 'forbidden';
      else {
        error.value = messageOf(err, deps.t('offline'));
        phase.value = 'error';
        deps.emit('error', { v: 1, code: code || 'error', message: error.value });
      }
    }
  };

  /** The options a row's select offers: none, the active packages, and a mapped package that is no longer active. */
  const optionsFor = (p: LeverPostingView): Option[] => {
    const list = packages.value;
    const m = p.mapping;
    if (m && !list.some((o) => o.id === m.package_id)) return [...list, { id: m.package_id, name: mt('inactive', { name: m.package_name ?? m.package_id }) }];
    return list;
  };

  const choose = (id: string, choice: string) => setRow(id, { choice, status: 'idle', message: '' });

  const save = async (id: string) => {
    const row = rows.value[id];
    const posting = postings.value.find((p) => p.id === id);
    if (!row || !posting || row.status === 'saving') return;
    setRow(id, { status: 'saving', message: '' });
    try {
      const next = await deps.api.mapLeverPosting(id, row.choice || null, connectionId);
      postings.value = postings.value.map((p) => (p.id === id ? next : p));
      const name = next.mapping ? next.mapping.package_name ?? next.mapping.package_id : '';
      setRow(id, {
        choice: current(next),
        status: 'saved',
        message: next.mapping ? mt('savedFor', { title: next.text, name }) : mt('removedFor', { title: next.text }),
      });
    } catch (err) {
      const message = messageOf(err, deps.t('offline'));
      setRow(id, { status: 'error', message: mt('failed', { message }) });
      deps.emit('error', { v: 1, code: (err as { code?: string }).code || 'error', message });
    }
  };

  const empty = computed(() => phase.value === 'ready' && postings.value.length === 0);

  return { mt, phase, error, postings, packages, rows, empty, load, optionsFor, choose, save };
});

export type MappingsModel = InstanceType<typeof MappingsModel>;
