// Score → rating bands used across the product (Lever's rating field, the result card, the report).

export interface ScoreBand {
  /** Lowest score (inclusive) in the band. */
  min: number;
  /** Highest score (inclusive) in the band. */
  max: number;
  label: string;
}

/** Lever's default four-point rating scale, keyed by percentage score. */
export const DEFAULT_SCORE_BANDS: readonly ScoreBand[] = [
  { min: 0, max: 34, label: '1 - Strong No Hire' },
  { min: 35, max: 49, label: '2 - No Hire' },
  { min: 50, max: 74, label: '3 - Hire' },
  { min: 75, max: 100, label: '4 - Strong Hire' },
];

/** The band a score falls in; scores are rounded and clamped to 0..100 first, undefined when no band covers it. */
export function scoreBand(score: number, bands: readonly ScoreBand[] = DEFAULT_SCORE_BANDS): ScoreBand | undefined {
  if (!Number.isFinite(score)) return undefined;
  const s = Math.min(100, Math.max(0, Math.round(score)));
  return bands.find((b) => s >= b.min && s <= b.max);
}

/** The account's bands when they are well formed, else the default four-point scale. */
export function bandsOrDefault(b: readonly ScoreBand[] | null | undefined): readonly ScoreBand[] {
  const ok =
    Array.isArray(b) &&
    b.length > 0 &&
    b.every((x) => x && Number.isFinite(x.min) && Number.isFinite(x.max) && x.min <= x.max && typeof x.label === 'string' && x.label.trim() !== '');
  return ok ? b : DEFAULT_SCORE_BANDS;
}
