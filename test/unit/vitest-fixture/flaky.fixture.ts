// Fails on its second run only (counted in $FLAKY_COUNTER_FILE), as a flake does, for test:repeat's test.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { expect, it } from 'vitest';

it('passes except on the second run', () => {
  const file = process.env.FLAKY_COUNTER_FILE!;
  const run = (existsSync(file) ? Number(readFileSync(file, 'utf8')) : 0) + 1;
  writeFileSync(file, String(run));
  expect(run).not.toBe(2);
});
