// The one catalogue of user-facing strings for candidate mode, the invitation e-mail and error pages.

export const LOCALES = ['en', 'nl'] as const;
export type Locale = (typeof LOCALES)[number];

const en = {
  'common.loading': 'Loading…',
  'common.retry': 'Try again',
  'common.close_page': 'You can close this page.',
  'common.minutes.one': '1 minute',
  'common.minutes.other': '{count} minutes',
  'error.generic': 'Something went wrong. Please try again in a moment.',
  'error.network': 'We could not reach the server. Check your internet connection and try again.',
  'error.rate_limited': 'Too many requests. Please wait a moment and try again.',

  'intro.title': '{package}',
  'intro.greeting': 'Hello {name},',
  'intro.greeting_anonymous': 'Hello,',
  'intro.invited_by': '{company} has invited you to take the {package} assessment.',
  'intro.tests_heading': 'What to expect',
  'intro.test_line': '{name}: {questions} questions, {duration}',
  'intro.total_time': 'Total time: about {duration}.',
  'intro.timing': 'Each test has its own timer. It starts when you open the test and keeps running if you leave the page.',
  'intro.recorded_heading': 'What is recorded',
  'intro.recorded': 'We record your answers and the times at which you start, save and submit each test. While a test runs we also note when this page is in the background or loses focus (and for how long), when something is pasted into an answer (not what), and how long you spend on each question; the company sees a summary. Nothing else about your device is recorded, and we do not use your camera or microphone.',
  'intro.resume': 'Your answers are saved as you go. If you reload the page or lose your connection, you can continue where you left off.',
  'intro.deadline': 'Please finish before {date}.',
  'intro.extra_time': 'You have been given {percent} % extra time. The times shown here include it.',

  'test.start': 'Start',
  'test.start_test': 'Start test {n} of {total}',
  'test.continue': 'Continue',
  'test.next': 'Next',
  'test.previous': 'Previous',
  'test.submit': 'Submit',
  'test.confirm_submit.title': 'Submit your answers?',
  'test.confirm_submit.body': 'You have answered {answered} of {total} questions. After submitting you cannot change your answers.',
  'test.confirm_submit.confirm': 'Yes, submit',
  'test.confirm_submit.cancel': 'Keep working',
  'test.progress': 'Question {n} of {total}',
  'test.test_progress': 'Test {n} of {total}',
  'test.time_left': 'Time left: {time}',
  'test.time_almost_up': 'Less than a minute left.',
  'test.deadline_passed': 'Time is up for this test. The answers you saved have been kept.',
  'test.saving': 'Saving…',
  'test.saved': 'Saved',
  'test.save_failed': 'Not saved — retrying',
  'test.unanswered': 'Not answered yet',
  'test.select_one': 'Choose one answer.',
  'test.select_many': 'Select all that apply.',
  'test.number_placeholder': 'Your answer',
  'test.number_invalid': 'Enter a number, for example 12.5.',
  'test.text_placeholder': 'Type your answer',
  'test.characters_left': '{count} characters left',
  'test.likert_hint': 'How much do you agree with this statement?',
  'test.finish_test': 'Finish this test',
  'test.confirm_finish.title': 'Finish this test?',
  'test.confirm_finish.body': 'You have answered {answered} of {total} questions. After finishing this test you cannot change its answers.',
  'test.confirm_finish.confirm': 'Yes, finish the test',
  'test.next_up': 'Next: test {n} of {total}',
  'test.break_hint': 'Take a short break if you need one. The timer of the next test starts when you press Start.',
  'test.time_up_next': 'Time is up for the previous test. Your saved answers have been kept.',
  'test.submitting': 'Submitting…',
  'test.time_warning': '{duration} left.',
  'test.questions_nav': 'Questions',
  'test.question_n': 'Question {n}',
  'test.answered': 'answered',
  'test.answered_count': '{answered} of {total} answered',
  'test.response_invalid': 'This answer could not be saved. Check it and try again.',
  'page.unknown.newer': 'If you received a newer invitation, use the link in that e-mail.',

  'likert.1': 'Strongly disagree',
  'likert.2': 'Disagree',
  'likert.3': 'Neutral',
  'likert.4': 'Agree',
  'likert.5': 'Strongly agree',

  'page.finished.title': 'Thank you!',
  'page.finished.body': 'Your answers have been submitted to {company}. They will contact you about the next steps.',
  'page.already_submitted.title': 'Already submitted',
  'page.already_submitted.body': 'You have already submitted this assessment. Your answers cannot be changed.',
  'page.expired.title': 'This link has expired',
  'page.expired.body': 'The deadline for this assessment has passed. If you think this is a mistake, contact the recruiter who invited you.',
  'page.voided.title': 'This link is no longer valid',
  'page.voided.body': 'This assessment has been cancelled. If you have questions, contact the recruiter who invited you.',
  'page.unknown.title': 'We could not find this assessment',
  'page.unknown.body': 'Check that you opened the complete link from your invitation e-mail.',
  'page.error.title': 'Something went wrong',
  'page.error.body': 'Please reload the page. Your saved answers are safe.',

  'email.subject': '{company} invites you to take the {package} assessment',
  'email.greeting': 'Hello {name},',
  'email.greeting_anonymous': 'Hello,',
  'email.intro': '{company} has invited you to take the {package} assessment.',
  'email.duration': 'It takes about {duration}. Choose a quiet moment: once you start a test, its timer keeps running.',
  'email.button': 'Start the assessment',
  'email.link_fallback': 'If the button does not work, copy this link into your browser:',
  'email.expires': 'The link is valid until {date}.',
  'email.recorded': 'We record only your answers and when you give them; your camera and microphone are not used.',
  'email.signoff': 'Good luck!',
  'email.footer': 'You receive this e-mail because {company} invited you to an assessment.',
} as const;

export type MessageKey = keyof typeof en;

const nl: Record<MessageKey, string> = {
  'common.loading': 'Laden…',
  'common.retry': 'Opnieuw proberen',
  'common.close_page': 'Je kunt deze pagina sluiten.',
  'common.minutes.one': '1 minuut',
  'common.minutes.other': '{count} minuten',
  'error.generic': 'Er ging iets mis. Probeer het over een moment opnieuw.',
  'error.network': 'We konden de server niet bereiken. Controleer je internetverbinding en probeer het opnieuw.',
  'error.rate_limited': 'Te veel verzoeken. Wacht even en probeer het opnieuw.',

  'intro.title': '{package}',
  'intro.greeting': 'Hallo {name},',
  'intro.greeting_anonymous': 'Hallo,',
  'intro.invited_by': '{company} nodigt je uit voor het assessment {package}.',
  'intro.tests_heading': 'Wat je kunt verwachten',
  'intro.test_line': '{name}: {questions} vragen, {duration}',
  'intro.total_time': 'Totale tijd: ongeveer {duration}.',
  'intro.timing': 'Elke test heeft een eigen timer. Die start zodra je de test opent en loopt door als je de pagina verlaat.',
  'intro.recorded_heading': 'Wat we vastleggen',
  'intro.recorded': 'We leggen je antwoorden vast en de tijdstippen waarop je elke test start, opslaat en inlevert. Tijdens een test noteren we ook wanneer deze pagina op de achtergrond staat of de focus verliest (en hoe lang), wanneer er iets in een antwoord wordt geplakt (niet wat), en hoe lang je over elke vraag doet; het bedrijf ziet een samenvatting. Verder leggen we niets over je apparaat vast, en we gebruiken je camera en microfoon niet.',
  'intro.resume': 'Je antwoorden worden tussendoor opgeslagen. Als je de pagina herlaadt of je verbinding verliest, ga je verder waar je was gebleven.',
  'intro.deadline': 'Rond het assessment af vóór {date}.',
  'intro.extra_time': 'Je hebt {percent} % extra tijd gekregen. De tijden hier zijn daar al op aangepast.',

  'test.start': 'Starten',
  'test.start_test': 'Start test {n} van {total}',
  'test.continue': 'Verder',
  'test.next': 'Volgende',
  'test.previous': 'Vorige',
  'test.submit': 'Inleveren',
  'test.confirm_submit.title': 'Antwoorden inleveren?',
  'test.confirm_submit.body': 'Je hebt {answered} van de {total} vragen beantwoord. Na het inleveren kun je je antwoorden niet meer wijzigen.',
  'test.confirm_submit.confirm': 'Ja, inleveren',
  'test.confirm_submit.cancel': 'Verder werken',
  'test.progress': 'Vraag {n} van {total}',
  'test.test_progress': 'Test {n} van {total}',
  'test.time_left': 'Resterende tijd: {time}',
  'test.time_almost_up': 'Nog minder dan een minuut.',
  'test.deadline_passed': 'De tijd voor deze test is om. De antwoorden die je hebt opgeslagen blijven bewaard.',
  'test.saving': 'Opslaan…',
  'test.saved': 'Opgeslagen',
  'test.save_failed': 'Niet opgeslagen — we proberen het opnieuw',
  'test.unanswered': 'Nog niet beantwoord',
  'test.select_one': 'Kies één antwoord.',
  'test.select_many': 'Kies alle antwoorden die van toepassing zijn.',
  'test.number_placeholder': 'Je antwoord',
  'test.number_invalid': 'Vul een getal in, bijvoorbeeld 12,5.',
  'test.text_placeholder': 'Typ je antwoord',
  'test.characters_left': 'Nog {count} tekens',
  'test.likert_hint': 'In hoeverre ben je het eens met deze uitspraak?',
  'test.finish_test': 'Deze test afronden',
  'test.confirm_finish.title': 'Deze test afronden?',
  'test.confirm_finish.body': 'Je hebt {answered} van de {total} vragen beantwoord. Na het afronden kun je de antwoorden van deze test niet meer wijzigen.',
  'test.confirm_finish.confirm': 'Ja, test afronden',
  'test.next_up': 'Volgende: test {n} van {total}',
  'test.break_hint': 'Neem gerust even pauze. De timer van de volgende test start pas als je op Starten drukt.',
  'test.time_up_next': 'De tijd voor de vorige test is om. Je opgeslagen antwoorden blijven bewaard.',
  'test.submitting': 'Inleveren…',
  'test.time_warning': 'Nog {duration}.',
  'test.questions_nav': 'Vragen',
  'test.question_n': 'Vraag {n}',
  'test.answered': 'beantwoord',
  'test.answered_count': '{answered} van {total} beantwoord',
  'test.response_invalid': 'Dit antwoord kon niet worden opgeslagen. Controleer het en probeer het opnieuw.',
  'page.unknown.newer': 'Heb je een nieuwere uitnodiging gekregen? Gebruik dan de link uit die e-mail.',

  'likert.1': 'Helemaal oneens',
  'likert.2': 'Oneens',
  'likert.3': 'Neutraal',
  'likert.4': 'Eens',
  'likert.5': 'Helemaal eens',

  'page.finished.title': 'Bedankt!',
  'page.finished.body': 'Je antwoorden zijn verstuurd naar {company}. Zij nemen contact met je op over de volgende stappen.',
  'page.already_submitted.title': 'Al ingeleverd',
  'page.already_submitted.body': 'Je hebt dit assessment al ingeleverd. Je antwoorden kunnen niet meer worden gewijzigd.',
  'page.expired.title': 'Deze link is verlopen',
  'page.expired.body': 'De deadline voor dit assessment is verstreken. Denk je dat dit niet klopt? Neem dan contact op met de recruiter die je heeft uitgenodigd.',
  'page.voided.title': 'Deze link is niet meer geldig',
  'page.voided.body': 'Dit assessment is geannuleerd. Heb je vragen? Neem dan contact op met de recruiter die je heeft uitgenodigd.',
  'page.unknown.title': 'We kunnen dit assessment niet vinden',
  'page.unknown.body': 'Controleer of je de volledige link uit je uitnodigingsmail hebt geopend.',
  'page.error.title': 'Er ging iets mis',
  'page.error.body': 'Herlaad de pagina. Je opgeslagen antwoorden blijven bewaard.',

  'email.subject': '{company} nodigt je uit voor het assessment {package}',
  'email.greeting': 'Hallo {name},',
  'email.greeting_anonymous': 'Hallo,',
  'email.intro': '{company} nodigt je uit voor het assessment {package}.',
  'email.duration': 'Het duurt ongeveer {duration}. Kies een rustig moment: zodra je een test start, loopt de timer door.',
  'email.button': 'Start het assessment',
  'email.link_fallback': 'Werkt de knop niet? Kopieer dan deze link naar je browser:',
  'email.expires': 'De link is geldig tot {date}.',
  'email.recorded': 'We leggen alleen je antwoorden vast en wanneer je ze geeft; je camera en microfoon worden niet gebruikt.',
  'email.signoff': 'Veel succes!',
  'email.footer': 'Je ontvangt deze e-mail omdat {company} je heeft uitgenodigd voor een assessment.',
};

export const CATALOGUE: Record<Locale, Record<MessageKey, string>> = { en, nl };

/** Picks a supported locale from a tag like "nl-BE" or an Accept-Language value; English otherwise. */
export function resolveLocale(input?: string | null): Locale {
  for (const part of (input ?? '').split(',')) {
    const base = part.trim().split(';')[0]!.split(/[-_]/)[0]!.toLowerCase();
    if ((LOCALES as readonly string[]).includes(base)) return base as Locale;
  }
  return 'en';
}

export type MessageParams = Record<string, string | number>;

/** The message for `key` in `locale` with `{name}` placeholders filled; unknown placeholders are left as written. */
export function t(locale: string | null | undefined, key: MessageKey, params?: MessageParams): string {
  const template = CATALOGUE[resolveLocale(locale)][key] ?? en[key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (match, name: string) => (Object.hasOwn(params, name) ? String(params[name]) : match));
}

/** "1 minute" / "25 minutes" in the locale. */
export function formatMinutes(locale: string | null | undefined, minutes: number): string {
  return minutes === 1 ? t(locale, 'common.minutes.one') : t(locale, 'common.minutes.other', { count: minutes });
}
