import type { Connector } from './types.ts';

/** Every connector, by provider name. Order of registration does not matter. */
export const connectors: Record<string, Connector> = {};

export function registerConnector(c: Connector): void {
  connectors[c.provider] = c;
}

export const PROVIDERS = ['kombo', 'stackone', 'lever', 'greenhouse', 'recruitee'] as const;
