import type { Json } from '../types.ts';

export interface InboxRow {
  id: string;
  provider: string;
  connection_id: string;
  delivery_id: string;
  status: 'received' | 'processed' | 'ignored' | 'failed';
  result: Json | null;
  /** How the delivery was answered, so a re-delivery is answered the same (null before it was handled). */
  answer: InboxAnswer | null;
  received_at: string;
}

export interface InboxAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface InboxRepo {
  /** Records a delivery once per (provider, connection, delivery id). */
  record(r: { provider: string; connection_id: string; delivery_id: string }): Promise<{ row: InboxRow; duplicate: boolean }>;
  /** Marks a delivery handled, with what was done and (for a webhook) how it was answered (kept when not given). */
  finish(id: string, status: InboxRow['status'], result: Json | null, answer?: InboxAnswer | null): Promise<void>;
  /** When the connection's latest delivery arrived (the dashboard's "last webhook"), or null. */
  lastReceived(provider: string, connectionId: string): Promise<string | null>;
}

/** What InboxRepo offers outside a unit of work: reads only (writes go through `store.transaction`). */
export type InboxReads = Pick<InboxRepo, 'lastReceived'>;
