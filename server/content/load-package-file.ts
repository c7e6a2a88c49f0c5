// Reads and validates package content files; every problem names the file, the field path and what is wrong.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as v from 'valibot';
import { PackageContentSchema, type PackageContent } from '../../shared/content/schema.ts';

export interface ContentError {
  file: string;
  /** Dotted path of the bad field, e.g. `tests[1].questions[3].answer`; `(root)` for the whole file, `line L, column C` for bad JSON. */
  path: string;
  message: string;
}

export type LoadResult = { ok: true; content: PackageContent } | { ok: false; errors: ContentError[] };

export const BUNDLED_PACKAGES_DIR = fileURLToPath(new URL('../../content/packages/', import.meta.url));

/** Formats a valibot issue path as `tests[1].questions[3].answer`. */
export function formatIssuePath(path: readonly v.IssuePathItem[] | undefined): string {
  if (!path?.length) return '(root)';
  let out = '';
  for (const item of path) {
    const key = item.key;
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

// Valibot's defaults say "Invalid key: Expected …"; content authors need "is required" / "is not allowed".
function issueMessage(issue: v.BaseIssue<unknown>): string {
  const last = issue.path?.[issue.path.length - 1];
  if (last?.origin === 'key') return issue.expected === 'never' ? `unknown field "${String(last.key)}" is not allowed` : 'is required';
  if (issue.message.startsWith('Invalid type: ')) return `expected ${issue.expected} but got ${issue.received}`;
  return issue.message;
}

/** Validates already-parsed JSON as package content. */
export function parsePackageContent(json: unknown, file: string): LoadResult {
  // Valibot's object schema accepts arrays, which would produce a "required" error per field.
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return { ok: false, errors: [{ file, path: '(root)', message: `must be a JSON object with the package content, not ${json === null ? 'null' : Array.isArray(json) ? 'an array' : typeof json}` }] };
  }
  const result = v.safeParse(PackageContentSchema, json);
  if (result.success) return { ok: true, content: result.output };
  return { ok: false, errors: result.issues.map((issue) => ({ file, path: formatIssuePath(issue.path), message: issueMessage(issue) })) };
}

/** One line per problem, `file: path: message`, for the CLI and logs. */
export function formatContentErrors(errors: readonly ContentError[]): string {
  return errors.map((e) => `${e.file}: ${e.path}: ${e.message}`).join('\n');
}

/** Reads, parses and validates one package content file. */
export async function loadPackageFile(path: string): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return { ok: false, errors: [{ file: path, path: '(root)', message: `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` }] };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const { offset, message } = locateJsonError(text);
    const { line, column } = lineAndColumn(text, offset);
    return { ok: false, errors: [{ file: path, path: `line ${line}, column ${column}`, message: `invalid JSON: ${message}` }] };
  }
  return parsePackageContent(json, path);
}

/** Every bundled demo package in content/packages/*.json; throws with all problems if one is invalid (a bug in the repository). */
export async function loadBundledPackages(dir: string = BUNDLED_PACKAGES_DIR): Promise<PackageContent[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  const packages: PackageContent[] = [];
  const errors: ContentError[] = [];
  for (const name of files) {
    const result = await loadPackageFile(join(dir, name));
    if (result.ok) packages.push(result.content);
    else errors.push(...result.errors);
  }
  if (errors.length) throw new Error(`Invalid bundled package content:\n${formatContentErrors(errors)}`);
  return packages;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return { line, column };
}

// JSON.parse does not always say where it failed (Node 20: "Unexpected token ..."), so find the spot ourselves.
export function locateJsonError(text: string): { offset: number; message: string } {
  let i = 0;
  class Fail extends Error {
    constructor(readonly offset: number, message: string) {
      super(message);
    }
  }
  const describe = (at: number) => (at >= text.length ? 'end of file' : `"${text[at]}"`);
  const fail = (message: string, at = i): never => {
    throw new Fail(at, message);
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const literal = (word: string) => {
    for (let k = 0; k < word.length; k++) if (text[i + k] !== word[k]) fail(`unexpected ${describe(i + k)}, expected "${word}"`, i + k);
    i += word.length;
  };
  const string = () => {
    i++;
    while (i < text.length) {
      const c = text[i]!;
      if (c === '"') return void i++;
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('invalid \\u escape in string');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail('invalid escape in string');
      } else if (c.charCodeAt(0) < 0x20) fail('unescaped control character (e.g. a line break) in string');
      else i++;
    }
    fail('unterminated string');
  };
  const number = () => {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) fail(`unexpected ${describe(i)}`);
    i += m![0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail(`unexpected ${describe(i)}, expected a double-quoted property name`);
        string();
        ws();
        if (text[i] !== ':') fail(`unexpected ${describe(i)}, expected ":"`);
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') return void i++;
        fail(`unexpected ${describe(i)}, expected "," or "}"`);
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') return void i++;
        fail(`unexpected ${describe(i)}, expected "," or "]"`);
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    return number();
  };
  try {
    value();
    ws();
    if (i < text.length) fail(`unexpected ${describe(i)} after the end of the JSON value`);
  } catch (error) {
    if (error instanceof Fail) return { offset: error.offset, message: error.message };
    throw error;
  }
  return { offset: 0, message: 'not valid JSON' };
}
