import type { Json } from '../types.ts';

export interface AuditRow {
  id: string;
  account_id: string | null;
  actor: string;
  action: string;
  target: string | null;
  details: Json;
  at: string;
}

export interface AuditRepo {
  add(a: Omit<AuditRow, 'id' | 'at'>): Promise<void>;
  list(accountId: string | null, limit?: number): Promise<AuditRow[]>;
}

/** What AuditRepo offers outside a unit of work: reads only (writes go through `store.transaction`). */
export type AuditReads = Pick<AuditRepo, 'list'>;
