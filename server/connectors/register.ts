// Every connector, registered once. A new ATS adds its id and label to shared/providers.ts and one line here;
// `satisfies` makes typecheck fail when a provider has no connector or a connector no provider entry, and
// start-up refuses a registry that disagrees with the list (a connector registered under another name).
import { PROVIDERS, type Provider } from '../../shared/providers.ts';
import { greenhouse } from './greenhouse/index.ts';
import { connectors, registryProblems } from './index.ts';
import { komboConnector } from './kombo/index.ts';
import { leverConnector } from './lever/index.ts';
import { recruitee } from './recruitee/index.ts';
import { stackone } from './stackone/index.ts';
import type { Connector } from './types.ts';

export const REGISTRY = {
  kombo: komboConnector,
  stackone,
  lever: leverConnector,
  greenhouse,
  recruitee,
} satisfies Record<Provider, Connector>;

// One order wherever connectors are listed (the dashboard's Integrations cards, the CLI's help): the order of
// shared/providers.ts, not the order in which the index.ts files happened to be imported.
for (const p of Object.keys(connectors)) delete connectors[p];
for (const p of PROVIDERS) connectors[p] = REGISTRY[p];
const problems = registryProblems(connectors);
if (problems.length) throw new Error(`The connector registry does not match shared/providers.ts: ${problems.join(' ')}`);
