// The widget session: trades a context token for a short-lived bearer token, held in memory only.
import { ApiError, readError, type Fetcher, type SessionInfo, type SessionSource } from './api.ts';

export interface SessionDeps {
  fetch: Fetcher;
  base: string;
  /** How we were framed (from the URL): the server checks it against the context's account. */
  framing?: { parent?: string; account?: string; iss?: string };
  /** Asks whoever framed us for a fresh context token; null when there is none to be had. */
  requestContext(): Promise<string | null>;
  /** Sentences for the person, already translated. */
  messages(): { offline: string; expired: string };
}

export interface SessionClient extends SessionSource {
  mint(context: string): Promise<SessionInfo>;
  info(): SessionInfo | null;
}

export function createSession(deps: SessionDeps): SessionClient {
  let current: SessionInfo | null = null;
  let renewing: Promise<void> | null = null;

  const mint = async (context: string): Promise<SessionInfo> => {
    let res: Response;
    try {
      res = await deps.fetch(deps.base + '/api/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ context, ...deps.framing }),
      });
    } catch {
      throw new ApiError(0, 'network_error', deps.messages().offline);
    }
    if (!res.ok) throw await readError(res, deps.messages().offline);
    current = (await res.json()) as SessionInfo;
    return current;
  };

  const renew = async () => {
    const context = await deps.requestContext();
    if (!context) throw new ApiError(401, 'session_expired', deps.messages().expired);
    await mint(context);
  };

  return {
    mint,
    info: () => current,
    token: () => (current ? current.token : ''),
    // Several calls may hit the expiry at once; they share one renewal.
    renew: () => (renewing ||= renew().finally(() => (renewing = null))),
  };
}
