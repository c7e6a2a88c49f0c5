import type { BenchOptions, BenchResult } from './lib/common.ts';
export async function runIngest(_o: BenchOptions): Promise<BenchResult> { throw new Error('todo'); }
