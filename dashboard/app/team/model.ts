// Team: the account's users, inviting one by e-mail, changing a role, removing one (with a confirmation).
import { signal } from '@preact/signals';
import type { TeamMember } from '../../../server/dashboard/team.ts';
import { call, failureText, type Fetch } from '../api.ts';

export type { TeamMember };

export class TeamModel {
  readonly users = signal<TeamMember[]>([]);
  readonly state = signal<'loading' | 'ready' | 'error'>('loading');
  readonly error = signal<string | null>(null);
  /** Said by the live region after an action. */
  readonly notice = signal('');
  readonly inviteBusy = signal(false);
  readonly inviteError = signal<string | null>(null);
  readonly removing = signal<TeamMember | null>(null);
  readonly removeError = signal<string | null>(null);
  readonly rowError = signal<{ id: string; message: string } | null>(null);

  constructor(private readonly fetchFn: Fetch) {}

  async load(): Promise<void> {
    try {
      this.users.value = (await call<{ users: TeamMember[] }>(this.fetchFn, 'GET', '/team')).users;
      this.state.value = 'ready';
    } catch (err) {
      this.state.value = 'error';
      this.error.value = failureText(err, 'The team could not be loaded.');
    }
  }

  async invite(email: string, name: string, role: 'admin' | 'member'): Promise<boolean> {
    if (!email.trim()) {
      this.inviteError.value = 'Enter the e-mail address to invite.';
      return false;
    }
    this.inviteBusy.value = true;
    this.inviteError.value = null;
    try {
      const { user } = await call<{ user: TeamMember }>(this.fetchFn, 'POST', '/team', { email, role, ...(name.trim() ? { name } : {}) });
      this.notice.value = `Invitation sent to ${user.email}.`;
      await this.load();
      return true;
    } catch (err) {
      this.inviteError.value = failureText(err, 'The invitation could not be sent. Try again.');
      return false;
    } finally {
      this.inviteBusy.value = false;
    }
  }

  async setRole(u: TeamMember, role: 'admin' | 'member'): Promise<void> {
    this.rowError.value = null;
    try {
      await call(this.fetchFn, 'PUT', `/team/${u.id}/role`, { role });
      this.notice.value = `${u.email} is now ${role === 'admin' ? 'an admin' : 'a member'}.`;
    } catch (err) {
      this.rowError.value = { id: u.id, message: failureText(err, 'The role could not be changed.') };
    }
    await this.load();
  }

  async reinvite(u: TeamMember): Promise<void> {
    this.rowError.value = null;
    try {
      await call(this.fetchFn, 'POST', `/team/${u.id}/reinvite`);
      this.notice.value = `A new invitation was sent to ${u.email}.`;
    } catch (err) {
      this.rowError.value = { id: u.id, message: failureText(err, 'The invitation could not be sent again.') };
    }
  }

  askRemove(u: TeamMember): void {
    this.removeError.value = null;
    this.removing.value = u;
  }

  keep(): void {
    this.removing.value = null;
    this.removeError.value = null;
  }

  async remove(): Promise<void> {
    const u = this.removing.value;
    if (!u) return;
    try {
      await call(this.fetchFn, 'DELETE', `/team/${u.id}`);
      this.removing.value = null;
      this.notice.value = `${u.email} was removed.`;
      await this.load();
    } catch (err) {
      this.removeError.value = failureText(err, 'The user could not be removed.');
    }
  }
}
