// Which pages may show an account's widget: one matcher for frame-ancestors and for session minting.

/** The exact origin of a URL-ish string (`https://ats.example.com`), or null when it is not one. */
export function exactOrigin(value: string | null | undefined): string | null {
  if (!value || value.length > 300) return null;
  try {
    const u = new URL(value);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin !== 'null' ? u.origin : null;
  } catch {
    return null;
  }
}

/**
 * True when `origin` matches one of the account's frame origins, with the wildcards CSP
 * `frame-ancestors` understands: `*.` for any sub-domain and `:*` for any port.
 */
export function originAllowed(origin: string, patterns: readonly string[]): boolean {
  const o = /^(https?):\/\/([^/:]+)(?::(\d+))?$/i.exec(origin);
  if (!o) return false;
  const [, scheme, host, port = ''] = o;
  return patterns.some((pattern) => {
    const p = /^(https?):\/\/([^/:]+)(?::(\d+|\*))?$/i.exec(pattern);
    if (!p || p[1]!.toLowerCase() !== scheme!.toLowerCase()) return false;
    const want = p[2]!.toLowerCase();
    const have = host!.toLowerCase();
    const hostOk = want.startsWith('*.') ? have.endsWith(want.slice(1)) : want === have;
    return hostOk && (p[3] === '*' || (p[3] ?? '') === port);
  });
}

/** The sentence an integrator needs when their page is not allowed: the origin and the command. */
export const notAllowedMessage = (origin: string, accountId: string) =>
  `${origin} is not allowed to show the Assay widget of account "${accountId}". ` +
  `An Assay administrator allows it with: npx assay accounts:update --account ${accountId} --frame-origin ${origin} ` +
  `(repeat --frame-origin for each origin to keep; see "Going live on your own domain" in docs/embedding.md).`;
