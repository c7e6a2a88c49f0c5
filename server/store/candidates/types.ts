export interface CandidateRow {
  id: string;
  account_id: string;
  source: string;
  external_id: string;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  locale: string | null;
  erased_at: string | null;
  created_at: string;
}

export interface CandidatesRepo {
  upsert(c: { account_id: string; source: string; external_id: string; email: string | null; first_name: string | null; last_name: string | null; locale: string | null }): Promise<CandidateRow>;
  get(accountId: string, id: string): Promise<CandidateRow | null>;
  findByExternal(accountId: string, source: string, externalId: string): Promise<CandidateRow | null>;
  /** Removes personal data, keeps the row (and so anonymised scores) linked. */
  erase(accountId: string, id: string): Promise<boolean>;
  /** Candidates (not yet erased) with no open order and no order change since `beforeIso`: due for retention erasure. */
  listRetentionDue(accountId: string, beforeIso: string, limit: number): Promise<CandidateRow[]>;
}

/** What CandidatesRepo offers outside a unit of work: reads only (writes go through `store.transaction`). */
export type CandidatesReads = Pick<CandidatesRepo, 'get' | 'findByExternal' | 'listRetentionDue'>;
