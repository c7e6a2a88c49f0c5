// Entry of the recruiter iframe app: read the launch URL, wire the bridge, render the shell.
import { signal } from '@preact/signals';
import { render } from 'preact';
import { observeHeight } from './auto-resize.ts';
import { createBridge } from './bridge.ts';
import { readLaunch } from './launch.ts';
import { ShellModel } from './shell/model.ts';
import { ShellView } from './shell/view.tsx';
import { applyTheme } from './theme.ts';
import { views } from './views.ts';

const launch = readLaunch(location, history);
const bridge = createBridge(window, launch.parent, launch.instance);
const hidden = signal(document.visibilityState === 'hidden');
document.addEventListener('visibilitychange', () => (hidden.value = document.visibilityState === 'hidden'));

const html = document.documentElement;
if (launch.heading) html.dataset.heading = '';
// Framed by the loader, the host's background shows through; on its own the widget paints one.
if (bridge.active) html.dataset.framed = '';
const shell = new ShellModel({
  launch,
  bridge,
  fetch: (input, init) => fetch(input, init),
  base: location.origin,
  hidden,
  applyTheme: (theme, vars, locale) => applyTheme(html, theme, vars, locale),
  loadView: async (view) => (await views[view]()).default,
});

const root = document.getElementById('assay-root') as HTMLElement;
render(<ShellView model={shell} />, root);
observeHeight(root, (height) => {
  // Past the loader's cap the frame stops growing, so the page scrolls inside it instead.
  html.style.overflowY = height > shell.maxHeight.value ? 'auto' : 'hidden';
  bridge.send('resize', { height });
});
void shell.start();
