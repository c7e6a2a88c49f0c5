export interface UserRow {
  id: string;
  account_id: string;
  email: string;
  name: string;
  password_hash: string;
  /** Dashboard role (migration 151): admins change things, members read candidates and reports. Absent = admin. */
  role?: DashboardRole;
  created_at: string;
}

export type DashboardRole = 'admin' | 'member';

/** A set-password link (an invitation or a reset): only the hash of its token is stored; used once. */
export interface PasswordTokenRow {
  token_hash: string;
  user_id: string;
  account_id: string;
  purpose: 'invite' | 'reset';
  expires_at: number;
}

export interface WebSessionRow {
  id_hash: string;
  user_id: string;
  expires_at: number;
}

export interface UsersRepo {
  create(u: Omit<UserRow, 'created_at'>): Promise<UserRow>;
  getByEmail(email: string): Promise<UserRow | null>;
  get(id: string): Promise<UserRow | null>;
  createSession(s: WebSessionRow): Promise<void>;
  getSession(idHash: string, now: number): Promise<WebSessionRow | null>;
  deleteSession(idHash: string): Promise<void>;
  /** The account's users, oldest first. */
  listByAccount(accountId: string): Promise<UserRow[]>;
  /** Changes a user of the account; false when there is none. */
  update(accountId: string, id: string, patch: Partial<Pick<UserRow, 'name' | 'password_hash' | 'role'>>): Promise<boolean>;
  /** Removes a user of the account with their sessions and links; false when there is none. */
  remove(accountId: string, id: string): Promise<boolean>;
  /** Ends every session of a user (after a password change). */
  deleteSessionsOf(userId: string): Promise<void>;
  /** Stores a new link for the user and purpose, replacing any earlier one (one live link each). */
  putPasswordToken(t: PasswordTokenRow): Promise<void>;
  /** Uses a link: removes and returns it when it exists and has not expired at `now`, else null. */
  takePasswordToken(tokenHash: string, now: number): Promise<PasswordTokenRow | null>;
  /** Whether the link is still stored (not used, not replaced), for the mail job. */
  hasPasswordToken(tokenHash: string): Promise<boolean>;
}

/** What UsersRepo offers outside a unit of work: reads only (writes go through `store.transaction`). */
export type UsersReads = Pick<UsersRepo, 'getByEmail' | 'get' | 'getSession' | 'listByAccount' | 'hasPasswordToken'>;
