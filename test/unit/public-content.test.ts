import { describe, expect, it } from 'vitest';
import { loadBundledPackages, parsePackageContent } from '../../server/content/load-package-file.ts';
import { toPublicPackage, toPublicTest } from '../../shared/content/public.ts';

const KEY_FIELDS = ['answer', 'answers', 'tolerance', 'accept', 'trait', 'traits', 'direction', 'regex', 'weight', 'explanation'];

// Walks every key of every nested object and array, so a leak anywhere in the projection is found.
function allKeys(value: unknown, path = '$', out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((item, i) => allKeys(item, `${path}[${i}]`, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(`${path}.${k}`);
      allKeys(v, `${path}.${k}`, out);
    }
  }
  return out;
}

describe('candidate-safe projection', () => {
  it('no answer key, tolerance, accepted answer or likert keying of any bundled package survives', async () => {
    const packages = await loadBundledPackages();
    expect(packages).toHaveLength(4);
    for (const pkg of packages) {
      const projected = JSON.parse(JSON.stringify(toPublicPackage(pkg)));
      const leaks = allKeys(projected).filter((p) => KEY_FIELDS.includes(p.split('.').pop()!));
      expect(leaks, pkg.id).toEqual([]);
      // The projection still carries what the candidate needs.
      expect(projected.question_count).toBe(pkg.tests.reduce((n, t) => n + t.questions.length, 0));
      expect(projected.duration_minutes).toBe(pkg.tests.reduce((n, t) => n + t.duration_minutes, 0));
      expect(projected.tests.map((t: { id: string }) => t.id)).toEqual(pkg.tests.map((t) => t.id));
    }
  });

  it('no accepted answer text appears anywhere in the projected JSON, unless it is also visible question text', async () => {
    let checked = 0;
    for (const pkg of await loadBundledPackages()) {
      const json = JSON.stringify(toPublicPackage(pkg));
      const questions = pkg.tests.flatMap((t) => t.questions);
      // A word like "number" may legitimately appear in a code snippet; those cannot leak anything.
      const visible = JSON.stringify(questions.map((q) => ('prompt' in q ? [q.prompt, q.snippet, 'options' in q ? q.options : null] : q.statement)));
      for (const q of questions) {
        if (q.kind !== 'short_text') continue;
        for (const a of q.accept) {
          const secret = JSON.stringify(typeof a === 'string' ? a : a.regex).slice(1, -1);
          if (visible.includes(secret)) continue;
          checked++;
          expect(json.includes(secret), `${q.id}: ${secret}`).toBe(false);
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(4);
  });

  it('keeps prompts, options, units, snippets, max lengths and likert statements with five scale labels', () => {
    const result = parsePackageContent(
      {
        schema_version: 1, id: 'p', version: 3, name: 'P', description: 'D', type: 'BEHAVIORAL',
        tests: [{
          id: 't', name: 'T', description: 'TD', explanation: 'E', duration_minutes: 9, weight: 2,
          traits: [{ id: 'x', name: 'X', explanation: 'XE' }],
          questions: [
            { id: 's', kind: 'single_choice', prompt: 'Pick', snippet: 'code()', options: [{ id: 'a', text: 'A' }, { id: 'b', text: 'B' }], answer: 'a' },
            { id: 'n', kind: 'numeric', prompt: 'How many?', answer: 4, tolerance: 1, unit: 'kg' },
            { id: 'w', kind: 'short_text', prompt: 'Say', accept: ['secret-word'] },
            { id: 'l', kind: 'likert', statement: 'I like it.', trait: 'x', direction: -1 },
          ],
        }],
      },
      'inline.json',
    );
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(toPublicPackage(result.content, 'nl')).toEqual({
      id: 'p', version: 3, name: 'P', description: 'D', type: 'BEHAVIORAL', locale: 'en',
      duration_minutes: 9, test_count: 1, question_count: 4,
      tests: [{
        id: 't', name: 'T', description: 'TD', duration_minutes: 9, question_count: 4,
        questions: [
          { id: 's', kind: 'single_choice', prompt: 'Pick', snippet: 'code()', options: [{ id: 'a', text: 'A' }, { id: 'b', text: 'B' }] },
          { id: 'n', kind: 'numeric', prompt: 'How many?', unit: 'kg' },
          { id: 'w', kind: 'short_text', prompt: 'Say', max_length: 500 },
          { id: 'l', kind: 'likert', statement: 'I like it.', scale: { min: 1, max: 5, labels: ['Helemaal oneens', 'Oneens', 'Neutraal', 'Eens', 'Helemaal eens'] } },
        ],
      }],
    });
    expect(toPublicTest(result.content.tests[0]!).questions[3]).toMatchObject({ scale: { labels: ['Strongly disagree', 'Disagree', 'Neutral', 'Agree', 'Strongly agree'] } });
  });
});
