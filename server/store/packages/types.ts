import type { Json } from '../types.ts';

export interface PackageRow {
  account_id: string;
  id: string;
  name: string;
  description: string;
  type: string;
  duration_minutes: number;
  active: boolean;
  version: number;
  updated_at: string;
}

export interface NewPackage extends Omit<PackageRow, 'updated_at'> {
  content: Json;
}

export interface PackagesRepo {
  upsert(p: NewPackage): Promise<{ created: boolean; version: number }>;
  list(accountId: string, opts?: { activeOnly?: boolean }): Promise<PackageRow[]>;
  get(accountId: string, id: string): Promise<PackageRow | null>;
  content(accountId: string, id: string, version: number): Promise<Json | null>;
  setActive(accountId: string, id: string, active: boolean): Promise<boolean>;
  /** Changes with every write to the account's packages, from any process or instance (0: none yet). */
  listVersion(accountId: string): Promise<number>;
}

/** What PackagesRepo offers outside a unit of work: reads only (writes go through `store.transaction`). */
export type PackagesReads = Pick<PackagesRepo, 'list' | 'get' | 'content' | 'listVersion'>;
