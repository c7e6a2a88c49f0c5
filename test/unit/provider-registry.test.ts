// The registry is the only list of providers: the connectors registered at start-up are exactly those of
// shared/providers.ts, and the lists people and machines read (order sources, labels, plan features, the CLI's
// usage, the webhook route's OpenAPI enum) are derived from it.
import { describe, expect, it } from 'vitest';
import { ORDER_SOURCES, SOURCE_LABEL } from '../../shared/api.ts';
import { PROVIDER_LABELS, PROVIDERS } from '../../shared/providers.ts';
import { PLAN_FEATURES } from '../../server/accounts/settings.ts';
import { candidateCommands } from '../../server/cli/candidate-commands.ts';
import { connectionCommands } from '../../server/cli/connection-commands.ts';
import { connectors, registryProblems } from '../../server/connectors/index.ts';
import '../../server/connectors/register.ts';

describe('one list of providers', () => {
  it('registers exactly one connector per provider, under its own name', () => {
    expect(Object.keys(connectors).sort()).toEqual([...PROVIDERS].sort());
    expect(registryProblems(connectors)).toEqual([]);
  });

  it('names what is wrong with a registry that disagrees with the list', () => {
    const { recruitee, ...missing } = connectors;
    expect(registryProblems(missing)).toEqual(['The provider "recruitee" (shared/providers.ts) has no connector.']);
    expect(registryProblems({ ...connectors, workday: recruitee! })).toEqual(['The connector "workday" is not in shared/providers.ts.']);
    expect(registryProblems({ ...connectors, lever: recruitee! })).toEqual(['The connector registered as "lever" says it is "recruitee".']);
  });

  it('derives order sources, labels and plan features from it', () => {
    expect(ORDER_SOURCES).toEqual(['widget', ...PROVIDERS]);
    expect(PLAN_FEATURES).toEqual(PROVIDERS);
    for (const p of PROVIDERS) expect(SOURCE_LABEL[p]).toBe(PROVIDER_LABELS[p]);
  });

  it('the CLI usage offers every provider and no other', () => {
    expect(connectionCommands['connections:add']!.usage).toContain(`--provider ${PROVIDERS.join('|')} `);
    expect(candidateCommands['accounts:update']!.usage).toContain(`--features <${PROVIDERS.join(',')}|all>`);
    expect(candidateCommands['candidates:erase']!.usage).toContain(`--source ats|${PROVIDERS.join('|')}]`);
  });
});
