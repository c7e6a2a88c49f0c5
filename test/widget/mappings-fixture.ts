// The Lever mappings view's fake API: postings and packages as the server answers them, a mapping PUT
// that behaves like the server's (tag swap, unknown package refused), and switchable failures.
import { signal } from '@preact/signals';
import type { LeverPostingView } from '../../shared/api.ts';
import { ApiError, type ApiClient } from '../../widget/app/api.ts';
import type { Role } from '../../shared/embed-protocol.ts';
import { createTranslator } from '../../widget/app/i18n.ts';
import type { ViewProps } from '../../widget/app/view-props.ts';
import { fakeApi, PACKAGES, type FakeApi } from './fake-api.ts';

export const POSTINGS: LeverPostingView[] = [
  { id: 'post-data', text: 'Data Analyst', state: 'published', team: 'Analytics', location: 'Amsterdam', url: null, tags: ['remote'], mapping: null },
  { id: 'post-eng', text: 'Platform Engineer', state: 'published', team: null, location: null, url: null, tags: ['assay:pkg-code'], mapping: { package_id: 'pkg-code', package_name: 'JavaScript coding', package_active: true } },
  { id: 'post-old', text: 'Office Manager', state: 'closed', team: 'Operations', location: null, url: null, tags: ['assay:pkg-gone'], mapping: { package_id: 'pkg-gone', package_name: 'Retired test', package_active: false } },
];

export interface MappingsApi extends FakeApi {
  postings: LeverPostingView[];
  puts: { id: string; pkg: string | null; con: string | undefined }[];
  /** Next leverPostings answer fails with this. */
  listError: ApiError | null;
  /** Next mapLeverPosting answer fails with this. */
  putError: ApiError | null;
  /** When set, mapLeverPosting waits for this promise (to see the saving state). */
  hold: Promise<void> | null;
}

export function mappingsApi(postings: LeverPostingView[] = POSTINGS): MappingsApi {
  const base = fakeApi();
  const api: MappingsApi = {
    ...base,
    postings: postings.map((p) => ({ ...p, tags: [...p.tags] })),
    puts: [],
    listError: null,
    putError: null,
    hold: null,
    async leverPostings() {
      base.calls.push('leverPostings');
      if (api.listError) {
        const e = api.listError;
        api.listError = null;
        throw e;
      }
      return { connection_id: 'con_lever0001', postings: api.postings.map((p) => ({ ...p })) };
    },
    async mapLeverPosting(id, pkg, con) {
      api.puts.push({ id, pkg, con });
      if (api.hold) await api.hold;
      if (api.putError) {
        const e = api.putError;
        api.putError = null;
        throw e;
      }
      const p = api.postings.find((x) => x.id === id)!;
      const found = pkg ? PACKAGES.find((x) => x.id === pkg) : null;
      if (pkg && !found) throw new ApiError(422, 'package_unknown', `The package "${pkg}" does not exist for this company.`);
      const next: LeverPostingView = {
        ...p,
        tags: [...p.tags.filter((t) => !t.startsWith('assay:')), ...(pkg ? [`assay:${pkg}`] : [])],
        mapping: found ? { package_id: found.id, package_name: found.name, package_active: true } : null,
      };
      api.postings = api.postings.map((x) => (x.id === id ? next : x));
      return next;
    },
  };
  return api;
}

export function mappingsProps(api: ApiClient, role: Role = 'admin', lang = 'en') {
  const locale = signal(lang);
  const events: { type: string; payload: unknown }[] = [];
  const props: ViewProps = {
    api,
    t: createTranslator(locale),
    locale,
    role,
    hidden: signal(false),
    emit: (type, payload) => void events.push({ type, payload }),
  };
  return { props, events, locale };
}
