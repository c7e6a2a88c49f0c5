/**
 * An assessment: a package chosen for a job (synced from an ATS connection or typed in), with the invitation
 * validity and extra time its orders get. Published, ATSs list it as a package of its own: id `asm_…`,
 * named "<job> — <package>"; an order for that id is placed for the package with these defaults.
 */
export type AssessmentStatus = 'draft' | 'published' | 'unpublished';

export interface AssessmentRow {
  id: string;
  account_id: string;
  package_id: string;
  /** The ATS connection the job was synced from (null: typed in). */
  connection_id: string | null;
  /** The job's id in that ATS (null: typed in). */
  job_id: string | null;
  job_name: string;
  invitation_days: number;
  extra_time_percent: number;
  status: AssessmentStatus;
  published_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface AssessmentsRepo {
  create(a: Omit<AssessmentRow, 'created_at' | 'updated_at' | 'published_at' | 'status'>): Promise<AssessmentRow>;
  get(accountId: string, id: string): Promise<AssessmentRow | null>;
  list(accountId: string, opts?: { status?: AssessmentStatus }): Promise<AssessmentRow[]>;
  /** Publish / unpublish; false when there is no such assessment on the account. */
  setStatus(accountId: string, id: string, status: AssessmentStatus): Promise<boolean>;
}

/** What AssessmentsRepo offers outside a unit of work: reads only (writes go through `store.transaction`). */
export type AssessmentsReads = Pick<AssessmentsRepo, 'get' | 'list'>;
