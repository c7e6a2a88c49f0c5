import type { BenchOptions, BenchResult } from './lib/common.ts';
export async function runBrowser(_o: BenchOptions): Promise<{ result: BenchResult; chromium: string }> { throw new Error('todo'); }
