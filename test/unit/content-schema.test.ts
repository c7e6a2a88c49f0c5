import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_PACKAGES_DIR, formatContentErrors, loadBundledPackages, loadPackageFile, parsePackageContent } from '../../server/content/load-package-file.ts';
import { validateAnswer, type PackageContent, type Question } from '../../shared/content/schema.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'assay-content-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// A real, valid file from the repository, mutated per case and written to a temp dir.
async function bundled(id: string): Promise<any> {
  return JSON.parse(await readFile(join(BUNDLED_PACKAGES_DIR, `${id}.json`), 'utf8'));
}
async function writeContent(name: string, content: unknown): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}
async function errorsFor(name: string, content: unknown) {
  const file = await writeContent(name, content);
  const result = await loadPackageFile(file);
  if (result.ok) throw new Error(`expected ${name} to be rejected`);
  for (const e of result.errors) expect(e.file).toBe(file);
  return result.errors.map(({ path, message }) => ({ path, message }));
}

describe('bundled demo packages', () => {
  it('ships the four demo packages, all valid, each with at least ten questions and sensible timings', async () => {
    const packages = await loadBundledPackages();
    const byId = new Map(packages.map((p) => [p.id, p]));
    expect([...byId.keys()].sort()).toEqual(['logical-reasoning', 'numerical-reasoning', 'typescript-skills', 'work-style']);
    expect(byId.get('numerical-reasoning')!.type).toBe('SKILLS_TEST');
    expect(byId.get('logical-reasoning')!.type).toBe('SKILLS_TEST');
    expect(byId.get('typescript-skills')!.type).toBe('SKILLS_TEST');
    expect(byId.get('work-style')!.type).toBe('BEHAVIORAL');
    for (const p of packages) {
      expect(p.tests.length).toBeGreaterThanOrEqual(1);
      expect(p.tests.length).toBeLessThanOrEqual(3);
      expect(p.tests.flatMap((t) => t.questions).length).toBeGreaterThanOrEqual(10);
      for (const t of p.tests) {
        expect(t.duration_minutes).toBeGreaterThanOrEqual(5);
        expect(t.duration_minutes).toBeLessThanOrEqual(20);
        expect(t.explanation.length).toBeGreaterThan(10);
      }
    }
  });

  it('work-style mixes likert items (with reverse keys) and situational judgement; typescript-skills mixes four kinds', async () => {
    const packages = await loadBundledPackages();
    const kinds = (p: PackageContent) => new Set(p.tests.flatMap((t) => t.questions.map((q) => q.kind)));
    const ws = packages.find((p) => p.id === 'work-style')!;
    expect([...kinds(ws)].sort()).toEqual(['likert', 'single_choice']);
    const likert = ws.tests.flatMap((t) => t.questions).filter((q): q is Extract<Question, { kind: 'likert' }> => q.kind === 'likert');
    expect(likert.some((q) => q.direction === -1)).toBe(true);
    const ts = packages.find((p) => p.id === 'typescript-skills')!;
    expect([...kinds(ts)].sort()).toEqual(['multiple_choice', 'numeric', 'short_text', 'single_choice']);
  });
});

describe('broken content names the file, the path and what is wrong', () => {
  it('reports a single-choice answer that is not an option', async () => {
    const c = await bundled('numerical-reasoning');
    c.tests[0].questions[2].answer = 'z';
    expect(await errorsFor('bad-answer.json', c)).toEqual([{ path: 'tests[0].questions[2].answer', message: '"z" is not one of the option ids (a, b, c, d)' }]);
  });

  it('reports a wrong type deep inside a test', async () => {
    const c = await bundled('numerical-reasoning');
    c.tests[1].questions[3].answer = '25.4';
    expect(await errorsFor('wrong-type.json', c)).toEqual([{ path: 'tests[1].questions[3].answer', message: 'expected number but got "25.4"' }]);
  });

  it('reports missing and unknown fields', async () => {
    const c = await bundled('logical-reasoning');
    delete c.tests[0].name;
    c.tests[1].questions[0].anwser = 'c';
    const errors = await errorsFor('fields.json', c);
    expect(errors).toContainEqual({ path: 'tests[0].name', message: 'is required' });
    expect(errors).toContainEqual({ path: 'tests[1].questions[0].anwser', message: 'unknown field "anwser" is not allowed' });
  });

  it('reports an unknown question kind and a duration out of range', async () => {
    const c = await bundled('logical-reasoning');
    c.tests[0].questions[1].kind = 'essay';
    c.tests[1].duration_minutes = 181;
    const errors = await errorsFor('kind.json', c);
    expect(errors).toContainEqual({ path: 'tests[0].questions[1].kind', message: expect.stringContaining('must be one of: single_choice, multiple_choice') });
    expect(errors).toContainEqual({ path: 'tests[1].duration_minutes', message: 'must be at most 180' });
  });

  it('reports duplicate question ids across tests and duplicate option ids', async () => {
    const c = await bundled('typescript-skills');
    c.tests[1].questions[0].id = c.tests[0].questions[0].id;
    c.tests[0].questions[3].options[1].id = 'a';
    const errors = await errorsFor('dupes.json', c);
    expect(errors).toContainEqual({ path: 'tests[1].questions[0].id', message: 'duplicate question id "ts-infer-array" (first used at tests[0].questions[0])' });
    expect(errors).toContainEqual({ path: 'tests[0].questions[3].options[1].id', message: 'duplicate option id "a" (first used at index 0)' });
  });

  it('reports multiple-choice answers that are not options', async () => {
    const c = await bundled('typescript-skills');
    c.tests[0].questions[1].answers = ['a', 'q'];
    expect(await errorsFor('multi.json', c)).toEqual([{ path: 'tests[0].questions[1].answers[1]', message: '"q" is not one of the option ids (a, b, c, d, e)' }]);
  });

  it('reports a regex that does not compile', async () => {
    const c = await bundled('typescript-skills');
    c.tests[0].questions[2].accept[2] = { regex: '(id|name' };
    const errors = await errorsFor('regex.json', c);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.path).toBe('tests[0].questions[2].accept[2].regex');
    expect(errors[0]!.message).toMatch(/^is not a valid regular expression: /);
  });

  it('reports likert items whose trait is not declared, and a test with likert items but no traits', async () => {
    const c = await bundled('work-style');
    c.tests[0].questions[4].trait = 'teamwork';
    const errors = await errorsFor('trait.json', c);
    expect(errors).toContainEqual({ path: 'tests[0].questions[4].trait', message: expect.stringContaining('trait "teamwork" is not declared') });

    const d = await bundled('work-style');
    delete d.tests[0].traits;
    expect(await errorsFor('no-traits.json', d)).toEqual([{ path: 'tests[0].traits', message: 'is required because the test has likert questions' }]);
  });

  it('reports a bad slug, schema version and weight', async () => {
    const c = await bundled('work-style');
    c.id = 'Work Style';
    c.schema_version = 2;
    c.tests[1].weight = 0;
    const errors = await errorsFor('top.json', c);
    expect(errors).toContainEqual({ path: 'id', message: 'must be a slug: lower-case letters, digits and single hyphens' });
    expect(errors).toContainEqual({ path: 'schema_version', message: 'must be 1' });
    expect(errors).toContainEqual({ path: 'tests[1].weight', message: 'must be greater than 0' });
  });

  it('gives line and column for bad JSON', async () => {
    const text = '{\n  "schema_version": 1,\n  "id": "x",\n  "name": "X",}\n';
    const errors = await errorsFor('bad.json', text);
    expect(errors).toEqual([{ path: 'line 4, column 15', message: expect.stringMatching(/^invalid JSON: unexpected "}"/) }]);
  });

  it('gives line and column for a truncated file and for a bare word', async () => {
    expect((await errorsFor('cut.json', '{\n  "tests": [\n    1,\n'))[0]!.path).toBe('line 4, column 1');
    expect((await errorsFor('word.json', '{ "a": tru }'))[0]!.path).toBe('line 1, column 11');
  });

  it('reports a file that does not exist', async () => {
    const result = await loadPackageFile(join(dir, 'missing.json'));
    expect(result).toEqual({ ok: false, errors: [{ file: join(dir, 'missing.json'), path: '(root)', message: 'cannot read the file: ENOENT' }] });
  });

  it('parsePackageContent reports a non-object with the given file name', () => {
    expect(parsePackageContent([], 'inline.json')).toEqual({ ok: false, errors: [{ file: 'inline.json', path: '(root)', message: 'must be a JSON object with the package content, not an array' }] });
  });
});

describe('validateAnswer', () => {
  const single: Question = { id: 's', kind: 'single_choice', prompt: 'p', options: [{ id: 'a', text: 'A' }, { id: 'b', text: 'B' }], answer: 'a' };
  const multiple: Question = { id: 'm', kind: 'multiple_choice', prompt: 'p', options: [{ id: 'a', text: 'A' }, { id: 'b', text: 'B' }, { id: 'c', text: 'C' }], answers: ['a'] };
  const numeric: Question = { id: 'n', kind: 'numeric', prompt: 'p', answer: 1, tolerance: 0 };
  const text: Question = { id: 't', kind: 'short_text', prompt: 'p', accept: ['x'], max_length: 5 };
  const longText: Question = { id: 't2', kind: 'short_text', prompt: 'p', accept: ['x'] };
  const likert: Question = { id: 'l', kind: 'likert', statement: 's', trait: 'tr', direction: 1 };

  it('accepts well-formed answers of each kind', () => {
    expect(validateAnswer(single, 'b')).toEqual({ ok: true, value: 'b' });
    expect(validateAnswer(multiple, ['c', 'a'])).toEqual({ ok: true, value: ['c', 'a'] });
    expect(validateAnswer(multiple, [])).toEqual({ ok: true, value: [] });
    expect(validateAnswer(numeric, -2.5)).toEqual({ ok: true, value: -2.5 });
    expect(validateAnswer(text, 'hello')).toEqual({ ok: true, value: 'hello' });
    expect(validateAnswer(longText, 'x'.repeat(500))).toMatchObject({ ok: true });
    expect(validateAnswer(likert, 5)).toEqual({ ok: true, value: 5 });
  });

  it('rejects malformed answers with a message naming the question', () => {
    const cases: [Question, unknown][] = [
      [single, 'z'], [single, 1], [multiple, ['a', 'a']], [multiple, ['a', 'b', 'c', 'd']], [multiple, 'a'], [multiple, ['x']],
      [numeric, Number.NaN], [numeric, Infinity], [numeric, '1'], [text, 'toolong'], [longText, 'x'.repeat(501)], [text, 5],
      [likert, 0], [likert, 6], [likert, 2.5], [likert, '3'], [single, undefined], [likert, null],
    ];
    for (const [q, value] of cases) {
      const result = validateAnswer(q, value);
      expect(result.ok, `${q.id} ${JSON.stringify(value)}`).toBe(false);
      if (!result.ok) expect(result.message).toMatch(new RegExp(`^Answer to ${q.id} `));
    }
  });
});

describe('formatContentErrors', () => {
  it('prints one "file: path: message" line per problem for the CLI', async () => {
    const c = await bundled('numerical-reasoning');
    c.tests[0].questions[2].answer = 5;
    c.version = 0;
    const file = await writeContent('cli.json', c);
    const result = await loadPackageFile(file);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(formatContentErrors(result.errors)).toBe(`${file}: version: must be 1 or more\n${file}: tests[0].questions[2].answer: expected string but got 5`);
    }
  });
});
