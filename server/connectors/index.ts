import { PROVIDERS } from '../../shared/providers.ts';
import type { Connector } from './types.ts';

/**
 * Every connector, by provider name, in the order of shared/providers.ts. Filled once, by register.ts only
 * (import it for its effect before reading this); read through `svc.connectors`.
 */
export const connectors: Record<string, Connector> = {};

/**
 * Problems with a registry against the one provider list (shared/providers.ts): a provider without a
 * connector, a connector under another name, or one no provider entry names. Empty when they agree.
 */
export function registryProblems(registry: Record<string, Connector>): string[] {
  const problems: string[] = [];
  for (const p of PROVIDERS) {
    if (!registry[p]) problems.push(`The provider "${p}" (shared/providers.ts) has no connector.`);
    else if (registry[p].provider !== p) problems.push(`The connector registered as "${p}" says it is "${registry[p].provider}".`);
  }
  for (const k of Object.keys(registry)) {
    if (!(PROVIDERS as readonly string[]).includes(k)) problems.push(`The connector "${k}" is not in shared/providers.ts.`);
  }
  return problems;
}
