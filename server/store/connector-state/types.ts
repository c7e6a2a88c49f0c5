import type { Json } from '../types.ts';

/** Small per-connection state owned by a connector (cursors, OAuth state, caches), JSON values. */
export interface ConnectorStateRepo {
  get<T = unknown>(connectionId: string, key: string): Promise<T | null>;
  put(connectionId: string, key: string, value: unknown): Promise<void>;
  delete(connectionId: string, key: string): Promise<void>;
  /** Objects synced from the ATS (jobs, stages, applications…), upserted by external id. */
  upsertObject(connectionId: string, kind: string, externalId: string, data: Json): Promise<void>;
  getObject<T = Json>(connectionId: string, kind: string, externalId: string): Promise<T | null>;
  listObjects<T = Json>(connectionId: string, kind: string, limit?: number): Promise<{ external_id: string; data: T }[]>;
  deleteObject(connectionId: string, kind: string, externalId: string): Promise<void>;
}

export interface MappingRow {
  connection_id: string;
  kind: string;
  external_id: string;
  package_id: string;
  created_at: string;
}

export interface MappingsRepo {
  set(m: Omit<MappingRow, 'created_at'>): Promise<void>;
  get(connectionId: string, kind: string, externalId: string): Promise<MappingRow | null>;
  list(connectionId: string, kind?: string): Promise<MappingRow[]>;
  delete(connectionId: string, kind: string, externalId: string): Promise<boolean>;
}

/** What ConnectorStateRepo offers outside a unit of work: reads only (writes go through `store.transaction`). */
export type ConnectorStateReads = Pick<ConnectorStateRepo, 'get' | 'getObject' | 'listObjects'>;

/** What MappingsRepo offers outside a unit of work: reads only (writes go through `store.transaction`). */
export type MappingsReads = Pick<MappingsRepo, 'get' | 'list'>;
