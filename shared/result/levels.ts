// Score levels for the report's plain-words meaning: which of a test's (or trait's) three texts applies.
export type Level = 'low' | 'middle' | 'high';

/** low 0–39, middle 40–69, high 70–100 (integer percents from the result summary). */
export const levelOf = (percent: number): Level => (percent >= 70 ? 'high' : percent >= 40 ? 'middle' : 'low');

export const LEVEL_LABELS: Record<Level, string> = { low: 'Low', middle: 'Middle', high: 'High' };

/** Below this many results on a package, the report says "not enough data" instead of a percentile. */
export const PERCENTILE_MIN_GROUP = 30;

/**
 * Percentile rank of a score in its group: the share of the group scoring below it, counting ties as
 * half (so the middle of a group of equals is the 50th), rounded to an integer. Null under the minimum.
 */
export function percentileRank(g: { size: number; below: number; equal: number }): number | null {
  if (g.size < PERCENTILE_MIN_GROUP) return null;
  return Math.round(((g.below + 0.5 * g.equal) / g.size) * 100);
}
