import { describe, expect, it } from 'vitest';
import { CATALOGUE, formatMinutes, LOCALES, resolveLocale, t, type MessageKey } from '../../shared/i18n/catalogue.ts';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('string catalogue', () => {
  it('ships English and Dutch with exactly the same keys, none empty', () => {
    expect(LOCALES).toEqual(['en', 'nl']);
    const enKeys = Object.keys(CATALOGUE.en).sort();
    expect(Object.keys(CATALOGUE.nl).sort()).toEqual(enKeys);
    for (const locale of LOCALES) for (const key of enKeys) expect(CATALOGUE[locale][key as MessageKey].trim(), `${locale} ${key}`).not.toBe('');
  });

  it('uses the same placeholders in both languages, so no translation drops a value', () => {
    for (const key of Object.keys(CATALOGUE.en) as MessageKey[]) {
      expect(placeholders(CATALOGUE.nl[key]), key).toEqual(placeholders(CATALOGUE.en[key]));
    }
  });

  it('has the strings candidate mode, the e-mail and the error pages need', () => {
    const needed: MessageKey[] = [
      'intro.invited_by', 'intro.total_time', 'intro.recorded', 'test.start', 'test.next', 'test.previous', 'test.submit',
      'test.confirm_submit.body', 'test.time_left', 'test.saved', 'test.saving', 'test.save_failed', 'test.deadline_passed',
      'test.progress', 'page.finished.title', 'page.expired.title', 'page.voided.title', 'page.unknown.title',
      'page.already_submitted.title', 'likert.1', 'likert.5', 'error.generic', 'common.loading', 'email.subject',
    ];
    for (const key of needed) expect(CATALOGUE.en[key], key).toBeTruthy();
    expect(t('en', 'intro.recorded')).toMatch(/answers.*times.*camera or microphone/);
  });

  it('interpolates {name} placeholders and leaves unknown ones as written', () => {
    expect(t('en', 'test.progress', { n: 3, total: 12 })).toBe('Question 3 of 12');
    expect(t('nl', 'test.progress', { n: 3, total: 12 })).toBe('Vraag 3 van 12');
    expect(t('en', 'test.progress', { n: 3 })).toBe('Question 3 of {total}');
    expect(t('en', 'test.time_left', { time: '$1 {n}' })).toBe('Time left: $1 {n}');
  });

  it('resolves regional and unknown locales, and Accept-Language lists', () => {
    expect(resolveLocale('nl-BE')).toBe('nl');
    expect(resolveLocale('NL_nl')).toBe('nl');
    expect(resolveLocale('de-DE')).toBe('en');
    expect(resolveLocale('')).toBe('en');
    expect(resolveLocale(undefined)).toBe('en');
    expect(resolveLocale('fr-FR,fr;q=0.9,nl;q=0.8')).toBe('nl');
    expect(t('nl-BE', 'test.next')).toBe('Volgende');
    expect(t('fr', 'test.next')).toBe('Next');
  });

  it('formats minutes with the right plural', () => {
    expect(formatMinutes('en', 1)).toBe('1 minute');
    expect(formatMinutes('en', 25)).toBe('25 minutes');
    expect(formatMinutes('nl', 1)).toBe('1 minuut');
    expect(formatMinutes('nl', 25)).toBe('25 minuten');
  });
});
