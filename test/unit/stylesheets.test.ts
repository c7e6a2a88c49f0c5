// Every stylesheet the browser gets is whole: each rule is closed before the next begins, so no rule ends up
// nested inside another (CSS nesting would then scope it under the first selector and it would match nothing:
// a missing `}` after `.state-published` once hid the Team, Settings and Lever postings styles).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT } from '../helpers/server.ts';

const SHEETS = ['dashboard/app/styles.css', 'widget/app/styles.css', 'widget/app/candidate/candidate.css'];

/** The problems of a stylesheet's block structure: an unclosed or unopened brace, a rule inside a rule. */
function blockProblems(css: string): string[] {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, (s) => s.replace(/[^\n]/g, ' '));
  const problems: string[] = [];
  // Each open block: is it an at-rule that holds rules (@media, @supports, …), and the line it opened on.
  const open: { groups: boolean; line: number; head: string }[] = [];
  let head = '';
  let line = 1;
  for (const ch of text) {
    if (ch === '\n') line++;
    if (ch === '{') {
      const h = head.trim();
      const parent = open[open.length - 1];
      if (parent && !parent.groups) problems.push(`line ${line}: "${h}" opens inside "${parent.head}" (line ${parent.line}), which was not closed`);
      open.push({ groups: /^@(media|supports|layer|container|document|(-webkit-)?keyframes)\b/.test(h), line, head: h });
      head = '';
    } else if (ch === '}') {
      if (!open.pop()) problems.push(`line ${line}: a } closes nothing`);
      head = '';
    } else if (ch === ';') head = '';
    else head += ch;
  }
  for (const b of open) problems.push(`line ${b.line}: "${b.head}" is never closed`);
  return problems;
}

describe('stylesheets', () => {
  test.each(SHEETS)('%s closes every rule before the next', (sheet) => {
    expect(blockProblems(readFileSync(join(ROOT, sheet), 'utf8'))).toEqual([]);
  });

  test('the check itself finds a rule left open', () => {
    expect(blockProblems('.a {\n  color: red;\n.b {\n  color: blue;\n}\n')).toEqual([
      'line 3: ".b" opens inside ".a" (line 1), which was not closed',
      'line 1: ".a" is never closed',
    ]);
    expect(blockProblems('@media (max-width: 1px) {\n  .a {\n    color: red;\n  }\n}\n')).toEqual([]);
  });
});
