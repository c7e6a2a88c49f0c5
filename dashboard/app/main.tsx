// Entry of the provider dashboard: who is logged in, then the page for the URL (one model per view).
import { computed, signal } from '@preact/signals';
import { render, type ComponentChildren } from 'preact';
import { useEffect, useMemo } from 'preact/hooks';
import { loadMe, me } from './me.ts';
import { CandidatesModel } from './candidates/model.ts';
import { CandidatesView } from './candidates/view.tsx';
import { IntegrationsModel } from './integrations/model.ts';
import { IntegrationsView } from './integrations/view.tsx';
import { LeverMappingModel, LeverMappingView } from './integrations/lever.tsx';
import { JobsModel } from './jobs/model.ts';
import { JobsView } from './jobs/view.tsx';
import { path } from './router.ts';
import { TeamModel } from './team/model.ts';
import { TeamView } from './team/view.tsx';
import { SettingsModel } from './settings/model.ts';
import { SettingsView } from './settings/view.tsx';
import { Shell } from './shell.tsx';

const fetchFn = (input: string, init?: RequestInit) => fetch(input, init);
const hidden = signal(document.visibilityState === 'hidden');
document.addEventListener('visibilitychange', () => (hidden.value = document.visibilityState === 'hidden'));
void loadMe(fetchFn).catch(() => undefined);
const who = computed(() => (me.value ? `${me.value.account.name} · ${me.value.user.name || me.value.user.email}` : null));

// /dashboard is Candidates: the address says so before the first paint, not after it.
if (location.pathname.replace(/\/$/, '') === '/dashboard') history.replaceState(null, '', '/dashboard/candidates' + location.search);

const TITLES: Record<string, string> = { '/dashboard/candidates': 'Candidates', '/dashboard/integrations': 'Integrations', '/dashboard/integrations/lever': 'Lever postings', '/dashboard/jobs': 'Jobs', '/dashboard/team': 'Team', '/dashboard/settings': 'Settings' };

function Candidates() {
  const model = useMemo(() => new CandidatesModel(fetchFn, hidden, (search) => history.replaceState(null, '', location.pathname + search)), []);
  useEffect(() => {
    void model.start(location.search);
    return () => model.stop();
  }, [model]);
  return <CandidatesView model={model} />;
}

/** A page's model, made once, loaded when the page opens. */
function usePage<M extends { load(): Promise<void> }>(make: () => M, load: (m: M) => Promise<unknown> = (m) => m.load()): M {
  const model = useMemo(make, []);
  useEffect(() => void load(model), [model]);
  return model;
}

const Integrations = () => <IntegrationsView model={usePage(() => new IntegrationsModel(fetchFn), (m) => Promise.all([m.load(), m.loadPackages()]))} />;
const Jobs = () => <JobsView model={usePage(() => new JobsModel(fetchFn))} />;
const LeverMapping = () => <LeverMappingView model={usePage(() => new LeverMappingModel(fetchFn))} />;
const Team = () => <TeamView model={usePage(() => new TeamModel(fetchFn))} />;
const Settings = () => <SettingsView model={usePage(() => new SettingsModel(fetchFn))} />;

/** Admin pages: a member who types the address is told, not shown a form the API would refuse. */
function AdminOnly({ children }: { children: ComponentChildren }) {
  if (!me.value) return <p aria-busy="true">Loading…</p>;
  if (me.value.user.role !== 'admin')
    return (
      <div class="card" role="alert">
        <h1>Admins only</h1>
        <p>Only an admin of your account can see this page; members read candidates and reports.</p>
      </div>
    );
  return <>{children}</>;
}

function App() {
  let current = path.value.replace(/\/$/, '');
  if (current === '/dashboard') current = '/dashboard/candidates';
  useEffect(() => {
    document.title = `${TITLES[current] ?? 'Dashboard'} — Assay`;
    // After a client-side move, focus goes to the new page's content, as after a page load.
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [current]);
  return (
    <Shell current={current} who={who.value}>
      {current === '/dashboard/integrations/lever' ? (
        <LeverMapping key="l" />
      ) : current === '/dashboard/integrations' ? (
        <Integrations key="i" />
      ) : current === '/dashboard/jobs' ? (
        <Jobs key="j" />
      ) : current === '/dashboard/team' ? (
        <AdminOnly key="t">
          <Team />
        </AdminOnly>
      ) : current === '/dashboard/settings' ? (
        <AdminOnly key="s">
          <Settings />
        </AdminOnly>
      ) : (
        <Candidates key="c" />
      )}
    </Shell>
  );
}

render(<App />, document.getElementById('dashboard-root')!);
