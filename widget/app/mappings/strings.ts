// Words of the Lever mappings view, English and Dutch. They live in this view's own chunk rather than in
// widget/app/i18n.ts, which ships with the picker: the picker's JavaScript stays as it was (its budget has
// little room left), the same choice the insights view made.

const en = {
  title: 'Lever postings',
  intro: 'Choose the assessment package each posting sends. A candidate moved to the trigger stage on a mapped posting is sent that package.',
  loading: 'Loading Lever postings…',
  empty: 'Lever has no postings for this account yet.',
  viewer: 'Mapping Lever postings to packages is for ATS admins. Your role ({role}) cannot change it; ask an admin.',
  notConnected: 'This account has no Lever connection yet, so there are no postings to map. Ask your assessment provider to connect Lever first.',
  noPackages: 'This account has no active packages to map postings to.',
  list: 'Postings and their packages',
  current: 'Current package: {name}',
  unmapped: 'Current package: none',
  inactive: '{name} (inactive)',
  packageFor: 'Package for {title}',
  none: 'No package',
  save: 'Save',
  saveFor: 'Save package for {title}',
  saving: 'Saving…',
  saved: 'Saved',
  savedFor: '{title} now sends {name}.',
  removedFor: '{title} sends no package.',
  failed: 'Not saved: {message}',
  state: 'Lever state: {state}',
};

export type MappingsKey = keyof typeof en;

const nl: Record<MappingsKey, string> = {
  title: 'Lever-vacatures',
  intro: 'Kies per vacature welk assessmentpakket wordt verstuurd. Een kandidaat die op een gekoppelde vacature naar de triggerfase gaat, krijgt dat pakket.',
  loading: 'Lever-vacatures laden…',
  empty: 'Lever heeft nog geen vacatures voor dit account.',
  viewer: 'Lever-vacatures aan pakketten koppelen is voor ATS-beheerders. Met je rol ({role}) kun je dit niet wijzigen; vraag een beheerder.',
  notConnected: 'Dit account heeft nog geen Lever-koppeling, dus er zijn geen vacatures om te koppelen. Vraag je assessmentaanbieder eerst Lever te koppelen.',
  noPackages: 'Dit account heeft geen actieve pakketten om vacatures aan te koppelen.',
  list: 'Vacatures en hun pakketten',
  current: 'Huidig pakket: {name}',
  unmapped: 'Huidig pakket: geen',
  inactive: '{name} (inactief)',
  packageFor: 'Pakket voor {title}',
  none: 'Geen pakket',
  save: 'Opslaan',
  saveFor: 'Pakket opslaan voor {title}',
  saving: 'Opslaan…',
  saved: 'Opgeslagen',
  savedFor: '{title} verstuurt nu {name}.',
  removedFor: '{title} verstuurt geen pakket.',
  failed: 'Niet opgeslagen: {message}',
  state: 'Status in Lever: {state}',
};

export type MappingsTranslate = (key: MappingsKey, vars?: Record<string, string | number>) => string;

/** A translator for a language read at call time, so a live locale change re-renders the text. */
export function mappingsTranslator(lang: () => string): MappingsTranslate {
  return (key, vars) => {
    const text = (lang().toLowerCase().startsWith('nl') ? nl : en)[key];
    return vars ? text.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m)) : text;
  };
}
