// Team: the account's users, inviting one by e-mail, changing a role, removing one (with a confirmation).
import { signal } from '@preact/signals';
import type { TeamMember } from '../../../server/dashboard/team.ts';
import { failureText } from '../api.ts';
import { PageModel } from '../page-model.ts';

export type { TeamMember };

export class TeamModel extends PageModel {
  readonly users = signal<TeamMember[]>([]);
  readonly inviteBusy = signal(false);
  readonly inviteError = signal<string | null>(null);
  readonly removing = signal<TeamMember | null>(null);
  readonly removeError = signal<string | null>(null);
  readonly rowError = signal<{ id: string; message: string } | null>(null);

  load(): Promise<void> {
    return this.loadPage<{ users: TeamMember[] }>('/team', 'The team could not be loaded.', (r) => (this.users.value = r.users));
  }

  async invite(email: string, name: string, role: 'admin' | 'member'): Promise<boolean> {
    if (!email.trim()) {
      this.inviteError.value = 'Enter the e-mail address to invite.';
      return false;
    }
    return this.attempt({ busy: this.inviteBusy, error: this.inviteError, fallback: 'The invitation could not be sent. Try again.' }, async () => {
      const { user } = await this.call<{ user: TeamMember }>('POST', '/team', { email, role, ...(name.trim() ? { name } : {}) });
      // The list first, then the announcement: what is said is what the table shows.
      await this.load();
      this.notice.value = `Invitation sent to ${user.email}.`;
    });
  }

  async setRole(u: TeamMember, role: 'admin' | 'member'): Promise<void> {
    this.rowError.value = null;
    let said = '';
    try {
      await this.call('PUT', `/team/${u.id}/role`, { role });
      said = `${u.email} is now ${role === 'admin' ? 'an admin' : 'a member'}.`;
    } catch (err) {
      this.rowError.value = { id: u.id, message: failureText(err, 'The role could not be changed.') };
    }
    await this.load();
    if (said) this.notice.value = said;
  }

  async reinvite(u: TeamMember): Promise<void> {
    this.rowError.value = null;
    try {
      await this.call('POST', `/team/${u.id}/reinvite`);
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
    await this.attempt({ error: this.removeError, fallback: 'The user could not be removed.' }, async () => {
      await this.call('DELETE', `/team/${u.id}`);
      this.removing.value = null;
      await this.load();
      this.notice.value = `${u.email} was removed.`;
    });
  }
}
