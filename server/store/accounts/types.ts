export interface AccountSettings {
  invitation_days?: number;
  score_bands?: { min: number; max: number; label: string }[];
  retention_days?: number;
  locale?: string;
  company_name?: string;
  /** An https URL of the company's logo, shown in the e-mails sent to its users. */
  logo_url?: string;
  /** The connectors this account's plan includes (set by the operator); absent: every connector. */
  features?: string[];
}

export interface AccountRow {
  id: string;
  name: string;
  issuer: string;
  audience: string;
  context_algs: string[];
  /** HS256 secret, sealed with the master key. */
  context_secret_enc: string | null;
  jwks_url: string | null;
  public_key_pem: string | null;
  frame_origins: string[];
  settings: AccountSettings;
  created_at: string;
}

export type NewAccount = Omit<AccountRow, 'created_at'>;

export interface AccountsRepo {
  create(a: NewAccount): Promise<AccountRow>;
  get(id: string): Promise<AccountRow | null>;
  getByIssuer(issuer: string): Promise<AccountRow | null>;
  list(): Promise<AccountRow[]>;
  update(id: string, patch: Partial<Omit<AccountRow, 'id' | 'created_at'>>): Promise<void>;
}

/** What AccountsRepo offers outside a unit of work: reads only (writes go through `store.transaction`). */
export type AccountsReads = Pick<AccountsRepo, 'get' | 'getByIssuer' | 'list'>;
