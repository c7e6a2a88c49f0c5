import type { Json } from '../types.ts';

export interface ConnectionRow {
  id: string;
  account_id: string;
  provider: string;
  status: 'active' | 'pending' | 'revoked';
  /** Non-secret settings, e.g. base_url, integration_id. */
  config: Json;
  /** Secret settings (API keys, tokens, webhook secrets), sealed with the master key. */
  secrets_enc: string;
  created_at: string;
  updated_at: string;
}

export interface ConnectionsRepo {
  create(c: Omit<ConnectionRow, 'created_at' | 'updated_at'>): Promise<ConnectionRow>;
  /** Unscoped lookup by unguessable id, for webhooks and partner calls that carry it in the path. */
  getById(id: string): Promise<ConnectionRow | null>;
  get(accountId: string, id: string): Promise<ConnectionRow | null>;
  listByAccount(accountId: string): Promise<ConnectionRow[]>;
  listByProvider(provider: string, status?: ConnectionRow['status']): Promise<ConnectionRow[]>;
  update(accountId: string, id: string, patch: Partial<Pick<ConnectionRow, 'status' | 'config' | 'secrets_enc'>>): Promise<void>;
}

/** What ConnectionsRepo offers outside a unit of work: reads only (writes go through `store.transaction`). */
export type ConnectionsReads = Pick<ConnectionsRepo, 'getById' | 'get' | 'listByAccount' | 'listByProvider'>;
