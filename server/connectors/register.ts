// Every connector, registered here and nowhere else. The one list is shared/providers.ts: each of its ids names
// the connector folder server/connectors/<id>/, whose index.ts exports `connector`. A sixth ATS is therefore a
// copied folder plus one line in shared/providers.ts (docs/connectors.md, "Adding a sixth ATS"): this file loads
// the folder of every listed id, in the list's order (the order of the dashboard's Integrations cards and the
// CLI's help), and start-up refuses a provider without a folder or a connector that names another provider.
// The import pattern is a literal template so esbuild (scripts/build-server.ts) bundles every folder's index.ts.
import { PROVIDERS } from '../../shared/providers.ts';
import { connectors, registryProblems } from './index.ts';
import type { Connector } from './types.ts';

async function load(provider: string): Promise<Connector | undefined> {
  try {
    return ((await import(`./${provider}/index.ts`)) as { connector?: Connector }).connector;
  } catch (err) {
    throw new Error(`The provider "${provider}" (shared/providers.ts) has no loadable connector at server/connectors/${provider}/index.ts: ${(err as Error).message}`, { cause: err });
  }
}

const loaded = await Promise.all(PROVIDERS.map(async (p) => [p, await load(p)] as const));
const found: Record<string, Connector> = {};
for (const [p, c] of loaded) if (c) found[p] = c;
const problems = registryProblems(found);
if (problems.length) throw new Error(`The connector registry does not match shared/providers.ts: ${problems.join(' ')} Each provider needs server/connectors/<id>/index.ts exporting \`connector\` (docs/connectors.md).`);
for (const p of Object.keys(connectors)) delete connectors[p];
Object.assign(connectors, found);
