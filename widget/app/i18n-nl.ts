// Dutch strings for the widget (see i18n.ts).
import type { Messages } from './i18n.ts';

const nl: Messages = {
  loading: 'Laden…',
  retry: 'Opnieuw proberen',
  starting: 'Assay wordt gestart…',
  noContext: 'Assay kon niet starten: er is geen contexttoken meegegeven.',
  sessionExpired: 'Sessie verlopen — laad de pagina opnieuw.',
  offline: 'Assay is niet bereikbaar. Controleer je verbinding en probeer het opnieuw.',
  'picker.title': 'Assessment versturen',
  'picker.search': 'Pakketten zoeken',
  'picker.placeholder': 'Naam of soort, bijv. coding',
  'picker.list': 'Pakketten',
  'picker.loading': 'Pakketten laden…',
  'picker.empty': 'Dit account heeft geen actieve pakketten.',
  'picker.noMatch': 'Geen pakket gevonden voor “{query}”.',
  'picker.minutes': '{n} min',
  'type.SKILLS_TEST': 'Vaardigheidstest',
  'type.BEHAVIORAL': 'Gedrag',
  'type.VIDEO_INTERVIEW': 'Video-interview',
  'type.BACKGROUND_CHECK': 'Achtergrondcontrole',
  'type.REFERENCE_CHECK': 'Referentiecheck',
  'picker.send': 'Versturen',
  'picker.sending': 'Versturen…',
  'picker.choose': 'Kies een pakket om te versturen.',
  'picker.chosen': 'Gekozen: {name}',
  'picker.sent': '{name} is naar de kandidaat verstuurd.',
  'picker.another': 'Nog een versturen',
  'picker.refused': 'Niet verstuurd: {message}',
  'picker.extraTime': 'Extra tijd',
  'picker.extraNone': 'Geen',
  'picker.extraPlus': '+{n} %',
  'picker.viewer': 'Je kunt de pakketten zien, maar met je rol (kijker) kun je geen assessments versturen. Vraag een recruiter of beheerder.',
  'status.loading': 'Assessments laden…',
};

export default nl;
