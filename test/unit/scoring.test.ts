import { describe, expect, it } from 'vitest';
import { loadBundledPackages, parsePackageContent } from '../../server/content/load-package-file.ts';
import { scoreAttempt } from '../../server/scoring/score-attempt.ts';
import type { PackageContent } from '../../shared/content/schema.ts';
import { DEFAULT_SCORE_BANDS, scoreBand } from '../../shared/score-bands.ts';

// Content goes through the real validator so tests score exactly what the server would load.
function content(raw: unknown): PackageContent {
  const result = parsePackageContent(raw, 'inline.json');
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.content;
}

const options = (...ids: string[]) => ids.map((id) => ({ id, text: id.toUpperCase() }));
const test = (id: string, questions: unknown[], extra: Record<string, unknown> = {}) => ({
  id,
  name: `Test ${id}`,
  description: 'd',
  explanation: `What ${id} measures.`,
  duration_minutes: 10,
  weight: 1,
  questions,
  ...extra,
});
const pkg = (...tests: unknown[]) => content({ schema_version: 1, id: 'p', version: 1, name: 'P', description: 'd', type: 'SKILLS_TEST', tests });

const one = (question: unknown) => pkg(test('t', [question]));
const scoreOf = (c: PackageContent, answers: Record<string, unknown>) => scoreAttempt(c, answers).tests[0]!.score;

describe('knowledge items', () => {
  it('single choice: 100 when the key is picked, 0 otherwise, for wrong types and when unanswered', () => {
    const c = one({ id: 'q', kind: 'single_choice', prompt: 'p', options: options('a', 'b', 'c'), answer: 'b' });
    expect(scoreOf(c, { q: 'b' })).toBe(100);
    expect(scoreOf(c, { q: 'a' })).toBe(0);
    expect(scoreOf(c, { q: 'nope' })).toBe(0);
    expect(scoreOf(c, { q: ['b'] })).toBe(0);
    expect(scoreOf(c, { q: 2 })).toBe(0);
    expect(scoreOf(c, {})).toBe(0);
  });

  it('multiple choice: (right − wrong) / number right, never below 0', () => {
    const c = one({ id: 'q', kind: 'multiple_choice', prompt: 'p', options: options('a', 'b', 'c', 'd', 'e'), answers: ['a', 'b', 'c'] });
    expect(scoreOf(c, { q: ['a', 'b', 'c'] })).toBe(100);
    expect(scoreOf(c, { q: ['c', 'a'] })).toBe(67);
    expect(scoreOf(c, { q: ['a'] })).toBe(33);
    expect(scoreOf(c, { q: ['a', 'b', 'c', 'd'] })).toBe(67);
    expect(scoreOf(c, { q: ['a', 'd'] })).toBe(0);
    expect(scoreOf(c, { q: ['d', 'e'] })).toBe(0);
    expect(scoreOf(c, { q: ['a', 'b', 'c', 'd', 'e'] })).toBe(33);
    expect(scoreOf(c, { q: [] })).toBe(0);
    expect(scoreOf(c, { q: ['a', 'a', 'b'] })).toBe(0);
    expect(scoreOf(c, { q: ['a', 'zz'] })).toBe(0);
    expect(scoreOf(c, { q: 'a' })).toBe(0);
  });

  it('numeric: within tolerance counts, the boundary included, just outside does not', () => {
    const c = one({ id: 'q', kind: 'numeric', prompt: 'p', answer: 25.4, tolerance: 0.1 });
    expect(scoreOf(c, { q: 25.4 })).toBe(100);
    expect(scoreOf(c, { q: 25.5 })).toBe(100);
    expect(scoreOf(c, { q: 25.3 })).toBe(100);
    expect(scoreOf(c, { q: 25.51 })).toBe(0);
    expect(scoreOf(c, { q: 25.29 })).toBe(0);
    expect(scoreOf(c, { q: '25.4' })).toBe(0);
    expect(scoreOf(c, { q: Number.NaN })).toBe(0);
    expect(scoreOf(c, { q: null })).toBe(0);
    const exact = one({ id: 'q', kind: 'numeric', prompt: 'p', answer: 0.3, tolerance: 0 });
    expect(scoreOf(exact, { q: 0.1 + 0.2 })).toBe(100);
    expect(scoreOf(exact, { q: 0.31 })).toBe(0);
  });

  it('short text: normalised equality with an accepted string or a full regex match', () => {
    const c = one({ id: 'q', kind: 'short_text', prompt: 'p', accept: ['Record', { regex: 'record ?< ?k ?, ?v ?>' }], max_length: 40 });
    expect(scoreOf(c, { q: 'Record' })).toBe(100);
    expect(scoreOf(c, { q: '  RECORD\t' })).toBe(100);
    expect(scoreOf(c, { q: 'Ｒｅｃｏｒｄ' })).toBe(100); // full-width letters, folded by NFKC
    expect(scoreOf(c, { q: 'Record<K,   V>' })).toBe(100);
    expect(scoreOf(c, { q: 'Record<K, V> extra' })).toBe(0); // regex must match the whole answer
    expect(scoreOf(c, { q: 'Records' })).toBe(0);
    expect(scoreOf(c, { q: '' })).toBe(0);
    expect(scoreOf(c, { q: 'x'.repeat(41) })).toBe(0);
    expect(scoreOf(c, { q: 42 })).toBe(0);
  });

  it('counts answered items and averages item scores into the test percentage', () => {
    const c = pkg(
      test('t', [
        { id: 'a', kind: 'single_choice', prompt: 'p', options: options('x', 'y'), answer: 'x' },
        { id: 'b', kind: 'numeric', prompt: 'p', answer: 3, tolerance: 0 },
        { id: 'c', kind: 'short_text', prompt: 'p', accept: ['yes'] },
        { id: 'd', kind: 'numeric', prompt: 'p', answer: 1, tolerance: 0 },
      ]),
    );
    const result = scoreAttempt(c, { a: 'x', b: 4, c: 'YES', d: 'one' });
    expect(result.tests[0]).toEqual({ test_id: 't', name: 'Test t', score: 50, max_score: 100, weight: 1, explanation: 'What t measures.', answered: 3, total: 4, fraction: 0.5 });
    expect(result.score).toBe(50);
    expect(result.max_score).toBe(100);
  });
});

describe('likert scales', () => {
  const traits = [
    { id: 'calm', name: 'Calm', explanation: 'Staying calm.' },
    { id: 'team', name: 'Team', explanation: 'Working with others.' },
  ];
  const c = pkg(
    test(
      'b',
      [
        { id: 'l1', kind: 'likert', statement: 's1', trait: 'calm', direction: 1 },
        { id: 'l2', kind: 'likert', statement: 's2', trait: 'calm', direction: -1 },
        { id: 'l3', kind: 'likert', statement: 's3', trait: 'team', direction: 1 },
        { id: 'l4', kind: 'likert', statement: 's4', trait: 'team', direction: 1 },
      ],
      { traits },
    ),
  );

  it('reverse keys flip the scale (6 − v) and traits average (keyed − 1) / 4', () => {
    const result = scoreAttempt(c, { l1: 5, l2: 1, l3: 3, l4: 4 });
    const t = result.tests[0]!;
    expect(t.traits).toEqual([
      { id: 'calm', name: 'Calm', score: 100, explanation: 'Staying calm.' },
      { id: 'team', name: 'Team', score: 63, explanation: 'Working with others.' }, // (0.5 + 0.75) / 2 = 62.5
    ]);
    // Rounded once from the unrounded trait fractions: mean(1, 0.625) = 0.8125 → 81 (not mean(100, 63) = 81.5 → 82).
    expect(t.score).toBe(81);
    expect(t.answered).toBe(4);
  });

  it('agreeing with a reverse-keyed statement lowers the trait', () => {
    expect(scoreAttempt(c, { l1: 5, l2: 5 }).tests[0]!.traits![0]!.score).toBe(50);
    expect(scoreAttempt(c, { l1: 1, l2: 5 }).tests[0]!.traits![0]!.score).toBe(0);
  });

  it('averages over answered items only; invalid values count as unanswered; an empty trait scores 0', () => {
    const t = scoreAttempt(c, { l1: 4, l2: 0, l3: '5', l4: 2.5 }).tests[0]!;
    expect(t.traits!.map((x) => x.score)).toEqual([75, 0]);
    expect(t.answered).toBe(1);
    expect(t.score).toBe(38); // mean(75, 0) = 37.5
  });

  it('a test mixing likert and knowledge items counts the knowledge part as one more component', () => {
    const mixed = pkg(
      test(
        'm',
        [
          { id: 'l1', kind: 'likert', statement: 's', trait: 'calm', direction: 1 },
          { id: 'k1', kind: 'single_choice', prompt: 'p', options: options('a', 'b'), answer: 'a' },
        ],
        { traits: [traits[0]] },
      ),
    );
    expect(scoreAttempt(mixed, { l1: 3, k1: 'a' }).tests[0]!.score).toBe(75); // mean(50, 100)
  });
});

describe('overall score', () => {
  const single = (id: string) => ({ id, kind: 'single_choice', prompt: 'p', options: options('a', 'b'), answer: 'a' });

  it('is earned / max over the weighted, unrounded test fractions, rounded once (half up)', () => {
    // 5 of 7 (weight 1) and 5 of 6 (weight 1.5): (5/7 + 1.5 · 5/6) / 2.5 = 78.57 % → 79; the old mean of the
    // rounded test scores, (71 + 1.5 · 83) / 2.5 = 78.2, gave 78.
    const sevens = Array.from({ length: 7 }, (_, i) => single(`s${i}`));
    const sixes = Array.from({ length: 6 }, (_, i) => single(`d${i}`));
    const c = pkg(test('s', sevens, { weight: 1 }), test('d', sixes, { weight: 1.5 }));
    const answers = Object.fromEntries([...sevens.map((q, i) => [q.id, i < 5 ? 'a' : 'b']), ...sixes.map((q, i) => [q.id, i < 5 ? 'a' : 'b'])]);
    const result = scoreAttempt(c, answers);
    expect(result.tests.map((t) => t.score)).toEqual([71, 83]);
    expect(result.score).toBe(79);
  });

  it('is the weighted mean of test scores, rounded to an integer', () => {
    const c = pkg(test('x', [single('x1'), single('x2')], { weight: 2 }), test('y', [single('y1'), single('y2'), single('y3')], { weight: 1 }));
    // x = 50, y = 67 → (50·2 + 67·1) / 3 = 55.67
    const result = scoreAttempt(c, { x1: 'a', x2: 'b', y1: 'a', y2: 'a', y3: 'b' });
    expect(result.tests.map((t) => [t.test_id, t.score, t.weight])).toEqual([['x', 50, 2], ['y', 67, 1]]);
    expect(result.score).toBe(56);
  });

  it('is 0 for no answers and 100 for all correct, and tolerates a junk answers object', () => {
    const c = pkg(test('x', [single('x1')], { weight: 0.5 }), test('y', [single('y1')], { weight: 3 }));
    expect(scoreAttempt(c, {}).score).toBe(0);
    expect(scoreAttempt(c, { x1: 'a', y1: 'a' }).score).toBe(100);
    expect(scoreAttempt(c, null as unknown as Record<string, unknown>).score).toBe(0);
    expect(scoreAttempt(c, { x1: { toString: () => 'a' }, y1: Symbol('a') }).score).toBe(0);
  });

  it('scores every bundled package without throwing and within 0..100', async () => {
    for (const p of await loadBundledPackages()) {
      const perfect: Record<string, unknown> = {};
      for (const q of p.tests.flatMap((t) => t.questions)) {
        if (q.kind === 'single_choice') perfect[q.id] = q.answer;
        if (q.kind === 'multiple_choice') perfect[q.id] = q.answers;
        if (q.kind === 'numeric') perfect[q.id] = q.answer;
        if (q.kind === 'short_text') perfect[q.id] = q.accept.find((a) => typeof a === 'string');
        if (q.kind === 'likert') perfect[q.id] = q.direction === 1 ? 5 : 1;
      }
      expect(scoreAttempt(p, perfect).score, p.id).toBe(100);
      expect(scoreAttempt(p, {}).score, p.id).toBe(0);
    }
  });
});

describe('score bands', () => {
  it('maps the Lever band edges', () => {
    const label = (s: number) => scoreBand(s)?.label;
    expect(label(0)).toBe('1 - Strong No Hire');
    expect(label(34)).toBe('1 - Strong No Hire');
    expect(label(35)).toBe('2 - No Hire');
    expect(label(49)).toBe('2 - No Hire');
    expect(label(50)).toBe('3 - Hire');
    expect(label(74)).toBe('3 - Hire');
    expect(label(75)).toBe('4 - Strong Hire');
    expect(label(100)).toBe('4 - Strong Hire');
  });

  it('rounds fractional scores, clamps out-of-range ones and rejects NaN', () => {
    expect(scoreBand(34.4)?.label).toBe('1 - Strong No Hire');
    expect(scoreBand(34.5)?.label).toBe('2 - No Hire');
    expect(scoreBand(-5)?.label).toBe('1 - Strong No Hire');
    expect(scoreBand(140)?.label).toBe('4 - Strong Hire');
    expect(scoreBand(Number.NaN)).toBeUndefined();
  });

  it('accepts custom bands and covers 0..100 by default without gaps', () => {
    const custom = [{ min: 0, max: 59, label: 'Fail' }, { min: 60, max: 100, label: 'Pass' }];
    expect(scoreBand(59, custom)?.label).toBe('Fail');
    expect(scoreBand(60, custom)?.label).toBe('Pass');
    for (let s = 0; s <= 100; s++) expect(DEFAULT_SCORE_BANDS.filter((b) => s >= b.min && s <= b.max)).toHaveLength(1);
  });
});
