// Dependency-free, so the widget's picker can use it without pulling valibot in with shared/api.ts.
/** Extra time a recruiter may grant (percent added to every test's duration), an accommodation. */
export const EXTRA_TIME_PERCENTS = [0, 25, 50, 100] as const;
