export interface InsightsFilter {
  packageId?: string;
  jobId?: string;
  /** ISO instants bounding orders.created_at, [from, to). */
  from?: string;
  to?: string;
}

export interface InsightsAggregates {
  funnel: { sent: number; started: number; completed: number; expired: number; cancelled: number; rejected: number; failed: number; pending: number; in_progress: number };
  /** Completed orders per score decile (0 = 0–9, …, 9 = 90–100). */
  scoreBins: number[];
  /** Completed orders per band index and outcome. */
  bandOutcomes: { band: number; hired: number; rejected: number; active: number }[];
  /** Hours from invitation to start / to completion, sorted ascending (for quantiles and the chart). */
  hoursToStart: number[];
  hoursToComplete: number[];
  byPackage: { package_id: string; package_name: string; sent: number; completed: number; avg_score: number | null }[];
  byJob: { job_id: string | null; job_name: string | null; sent: number; completed: number; avg_score: number | null }[];
}

export interface InsightsRepo {
  aggregates(accountId: string, filter: InsightsFilter, bands: readonly { min: number; max: number }[]): Promise<InsightsAggregates>;
}

/** What InsightsRepo offers outside a unit of work: reads only (writes go through `store.transaction`). */
export type InsightsReads = Pick<InsightsRepo, 'aggregates'>;
