// The widget's strings: English here, Dutch in i18n-nl.ts (loaded only when asked for, to keep the
// picker's JavaScript budget). `{name}` placeholders are filled by `t(key, vars)`.
import { signal, type ReadonlySignal } from '@preact/signals';
// Keys of the strings that come with the lazily loaded views, outside the picker's budget (type only).
import type { ViewKey } from './ui/view-strings.ts';

const en = {
  loading: 'Loading…',
  retry: 'Try again',
  starting: 'Starting Assay…',
  noContext: 'Assay could not start: no context token was given.',
  sessionExpired: 'Session expired — reload the page.',
  offline: 'Assay could not be reached. Check your connection and try again.',
  'picker.title': 'Send an assessment',
  'picker.search': 'Search packages',
  'picker.placeholder': 'Name or type, e.g. coding',
  'picker.list': 'Packages',
  'picker.loading': 'Loading packages…',
  'picker.empty': 'This account has no active packages.',
  'picker.noMatch': 'No package matches “{query}”.',
  'picker.minutes': '{n} min',
  'type.SKILLS_TEST': 'Skills test',
  'type.BEHAVIORAL': 'Behavioural',
  'type.VIDEO_INTERVIEW': 'Video interview',
  'type.BACKGROUND_CHECK': 'Background check',
  'type.REFERENCE_CHECK': 'Reference check',
  'picker.send': 'Send',
  'picker.sending': 'Sending…',
  'picker.choose': 'Choose a package to send.',
  'picker.chosen': 'Chosen: {name}',
  'picker.sent': '{name} was sent to the candidate.',
  'picker.another': 'Send another',
  'picker.refused': 'Not sent: {message}',
  'picker.extraTime': 'Extra time',
  'picker.extraNone': 'None',
  'picker.extraPlus': '+{n} %',
  'picker.viewer': 'You can see the packages, but your role (viewer) cannot send assessments. Ask a recruiter or admin.',
  'status.loading': 'Loading assessments…',
  'state.pending': 'Pending',
  'state.in_progress': 'In progress',
  'state.completed': 'Completed',
  'state.expired': 'Expired',
  'state.cancelled': 'Cancelled',
  'state.rejected': 'Rejected',
  'state.failed': 'Failed',
};

export type MessageKey = keyof typeof en | ViewKey;
export type Messages = Record<keyof typeof en, string>;

const extra: Record<string, Partial<Record<ViewKey, string>>> = {};

/** Adds the strings a lazily loaded view brings along. */
export function addMessages(add: Record<string, Record<ViewKey, string>>): void {
  for (const lang in add) extra[lang] = { ...extra[lang], ...add[lang] };
}

const loaders: Record<string, () => Promise<{ default: Messages }>> = {
  nl: () => import('./i18n-nl.ts'),
};
// Loaded catalogues are immutable data shared by every instance; `loaded` re-renders text when one arrives.
const catalogue: Record<string, Messages> = { en };
const loaded = signal(0);

/** Fetches a locale's strings if they are not here yet; unknown locales resolve at once (English). */
export async function loadLocale(locale: string): Promise<void> {
  const lang = pickLocale(locale);
  const load = loaders[lang];
  if (catalogue[lang] || !load) return;
  catalogue[lang] = (await load()).default;
  loaded.value++;
}

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** `nl-BE` → `nl`; anything unknown → `en`. */
export function pickLocale(locale: string | null | undefined): string {
  const lang = (locale || '').toLowerCase().split('-')[0] || '';
  return lang in catalogue || lang in loaders ? lang : 'en';
}

/** A translator that follows the locale signal, so a live locale change re-renders the text. */
export function createTranslator(locale: ReadonlySignal<string>): Translate {
  return (key, vars) => {
    void loaded.value;
    const lang = pickLocale(locale.value);
    const text = ((catalogue[lang] || en) as Record<string, string>)[key] ?? extra[lang]?.[key as ViewKey] ?? extra.en?.[key as ViewKey] ?? key;
    return vars ? text.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m)) : text;
  };
}
