// The one list of providers (ATS and unified-API vendors Assay connects to), with the name people see. Each id
// names its connector folder, server/connectors/<id>/: server/connectors/register.ts loads exactly these, in this
// order, so adding an ATS is its folder plus one line here (docs/connectors.md). Every other list
// (order sources, plan features, OpenAPI enums, CLI usage) is derived from here. Frontend code imports it
// too, since widget/ and dashboard/ cannot import server code.
export const PROVIDER_LABELS = {
  kombo: 'Kombo',
  stackone: 'StackOne',
  lever: 'Lever',
  greenhouse: 'Greenhouse',
  recruitee: 'Recruitee',
} as const;

export type Provider = keyof typeof PROVIDER_LABELS;

/** Every provider id, in the order above. */
export const PROVIDERS = Object.keys(PROVIDER_LABELS) as readonly Provider[] as readonly [Provider, ...Provider[]];

export const isProvider = (s: string): s is Provider => Object.hasOwn(PROVIDER_LABELS, s);
