// One logger: JSON lines on stderr. Never pass tokens, secrets or candidate PII to it; as a second line of
// defence every string it writes goes through redact().
type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const RULES: [RegExp, string][] = [
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g, '[email]'],
  [/\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '[token]'], // JWTs (context, session)
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [token]'],
  [/\/t\/[A-Za-z0-9_-]{16,}/g, '/t/[token]'], // candidate links
  [/([?&#](?:token|access_token|refresh_token|code|key|secret|password|signature)=)[^&\s"']+/gi, '$1[redacted]'],
  [/\b[A-Za-z0-9_-]{40,}\b/g, '[token]'], // long opaque secrets (our tokens are 43 characters)
];

/**
 * Removes e-mail addresses and tokens from a text that came from outside (an SMTP refusal, a vendor's error
 * body, an exception message) before it is logged or stored as an error.
 */
export function redact(text: string): string {
  let out = text;
  for (const [re, to] of RULES) out = out.replace(re, to);
  return out;
}

export function createLogger(level: Level | 'silent' = 'info', sink: (line: string) => void = (l) => process.stderr.write(l + '\n')): Logger {
  const min = ORDER[level];
  const at = (lvl: Level) => (msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < min) return;
    sink(JSON.stringify({ t: new Date().toISOString(), level: lvl, msg, ...fields }, (_k, v) => (typeof v === 'string' ? redact(v) : v)));
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
