// Entry of candidate mode (/t/<token>): the token comes from the path and goes only into the
// Authorization header of API calls; everything else lives in model.ts and view.tsx.
import { render } from 'preact';
import { createCandidateApi } from './api.ts';
import { CandidateModel } from './model.ts';
import { startProctoring } from './proctoring.ts';
import { CandidateView } from './view.tsx';
import './candidate.css';

const token = /^\/t\/([A-Za-z0-9_-]+)\/?$/.exec(location.pathname)?.[1] ?? '';
const api = createCandidateApi({ base: location.origin, token });
const model = new CandidateModel({
  api,
  initialLocale: document.documentElement.lang,
});
render(<CandidateView model={model} />, document.getElementById('assay-candidate-root') as HTMLElement);
void model.load();
// Leaving the page (reload, closing the tab, switching away on a phone) saves what was typed so far.
addEventListener('pagehide', () => model.commitAllDrafts());
document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && model.commitAllDrafts());
// Announced on the intro page: focus lost or page hidden, pastes, time per question — nothing else.
startProctoring({ api, source: { active: () => model.phase.value === 'test', question: () => model.question.value?.id ?? null } });
