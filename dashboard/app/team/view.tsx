// The Team page (admins): who has a login, their role (changeable), invite by e-mail, remove.
import { useRef } from 'preact/hooks';
import { LoadFailed } from '../load-failed.tsx';
import { ConfirmDialog } from '../confirm.tsx';
import { me } from '../me.ts';
import type { TeamMember, TeamModel } from './model.ts';

function InviteForm({ model }: { model: TeamModel }) {
  const email = useRef<HTMLInputElement>(null);
  const name = useRef<HTMLInputElement>(null);
  const role = useRef<HTMLSelectElement>(null);
  const err = model.inviteError.value;
  return (
    <section class="card" aria-labelledby="invite-title">
      <h2 id="invite-title">Invite a user</h2>
      <form
        class="connect"
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          const ok = await model.invite(email.current!.value, name.current!.value, role.current!.value as 'admin' | 'member');
          if (ok) {
            email.current!.value = '';
            name.current!.value = '';
          }
        }}
      >
        <label for="invite-email">E-mail address</label>
        <input id="invite-email" ref={email} type="email" autoComplete="off" aria-invalid={err ? 'true' : undefined} aria-describedby={err ? 'invite-error' : undefined} />
        <label for="invite-name">Name (optional)</label>
        <input id="invite-name" ref={name} type="text" autoComplete="off" />
        <label for="invite-role">Role</label>
        <select id="invite-role" ref={role} aria-describedby="invite-role-hint">
          <option value="member">Member</option>
          <option value="admin">Admin</option>
        </select>
        <p class="muted" id="invite-role-hint">
          Members read candidates and reports. Admins also change integrations, jobs, users and settings.
        </p>
        {err && (
          <p class="error" role="alert" id="invite-error">
            {err}
          </p>
        )}
        <button type="submit" disabled={model.inviteBusy.value}>
          {model.inviteBusy.value ? 'Sending…' : 'Send invitation'}
        </button>
      </form>
    </section>
  );
}

function Row({ u, model }: { u: TeamMember; model: TeamModel }) {
  const self = me.value?.user.id === u.id;
  const rowErr = model.rowError.value?.id === u.id ? model.rowError.value.message : null;
  return (
    <tr data-user={u.email}>
      <th scope="row">
        {u.name}
        {u.name !== u.email && <div class="muted">{u.email}</div>}
        {rowErr && (
          <p class="error" role="alert">
            {rowErr}
          </p>
        )}
      </th>
      <td>{u.status === 'invited' ? 'Invited (no password yet)' : 'Active'}</td>
      <td>
        <label class="visually-hidden" for={`role-${u.id}`}>
          Role of {u.email}
        </label>
        <select id={`role-${u.id}`} value={u.role} onChange={(e) => void model.setRole(u, (e.currentTarget as HTMLSelectElement).value as 'admin' | 'member')}>
          <option value="member">Member</option>
          <option value="admin">Admin</option>
        </select>
      </td>
      <td class="row-actions">
        {u.status === 'invited' && (
          <button type="button" class="secondary small" onClick={() => void model.reinvite(u)} aria-label={`Send again to ${u.email}`}>
            Send again
          </button>
        )}
        <button type="button" class="secondary small" onClick={() => model.askRemove(u)} aria-label={`Remove ${u.email}${self ? ' (you)' : ''}`}>
          Remove
        </button>
      </td>
    </tr>
  );
}

export function TeamView({ model }: { model: TeamModel }) {
  const state = model.state.value;
  const r = model.removing.value;
  return (
    <>
      <h1>Team</h1>
      <p class="muted">Who can log in to your dashboard. Invitations are sent by e-mail with a link to choose a password (valid 7 days, usable once).</p>
      <p class="visually-hidden" role="status" aria-live="polite">
        {model.notice.value}
      </p>
      <InviteForm model={model} />
      {state === 'loading' && <p aria-busy="true">Loading the team…</p>}
      {state === 'error' && <LoadFailed message={model.error.value} onRetry={() => void model.load()} />}
      {state === 'ready' && (
        <div class="table-wrap" role="region" aria-label="Users" tabIndex={0}>
          <table class="team">
            <caption class="visually-hidden">Users of your account</caption>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Status</th>
                <th scope="col">Role</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {model.users.value.map((u) => (
                <Row key={u.id} u={u} model={model} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ConfirmDialog
        id="remove-user"
        open={!!r}
        title={`Remove ${r?.email ?? ''}?`}
        text="Their login stops working at once. You can invite them again later."
        error={model.removeError.value}
        yes="Yes, remove"
        no="Keep"
        danger
        onYes={() => void model.remove()}
        onNo={() => model.keep()}
      />
    </>
  );
}
