// The candidate page's HTTP boundary: the invitation token goes in the Authorization header only.
import type { Attempt, ResponseValue, Submission } from '../../../shared/candidate-api.ts';
import type { ProctoringEvent } from '../../../shared/result/proctoring.ts';

export interface CandidateApi {
  attempt(): Promise<Attempt>;
  startTest(testId: string): Promise<Attempt>;
  finishTest(testId: string): Promise<Attempt>;
  save(questionId: string, value: ResponseValue): Promise<void>;
  submit(): Promise<Submission>;
  /** Proctoring events (proctoring.ts); `keepalive` as the page goes away. */
  proctoring(events: ProctoringEvent[], keepalive: boolean): Promise<void>;
}

/** A failed call: `code` is the server's error code, or `network_error` when it could not be reached. */
export class CandidateApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Worth trying again as it is: the network, the server's own trouble, or a rate limit. */
export const isRetryable = (err: unknown): boolean =>
  err instanceof CandidateApiError ? err.status === 0 || err.status === 429 || err.status >= 500 : true;

export function createCandidateApi(o: { base: string; token: string; fetch?: typeof fetch }): CandidateApi {
  const doFetch = o.fetch ?? ((input: string, init?: RequestInit) => fetch(input, init));
  const call = async <T>(method: string, path: string, body?: unknown, keepalive = false): Promise<T> => {
    let res: Response;
    try {
      res = await doFetch(`${o.base}/api/candidate${path}`, {
        method,
        headers: { authorization: `Bearer ${o.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
        credentials: 'omit',
        // Sent as the page goes away (reload, closed tab), it still reaches the server.
        keepalive,
      });
    } catch {
      throw new CandidateApiError(0, 'network_error', 'The server could not be reached.');
    }
    if (res.ok) return (await res.json()) as T;
    let code = `http_${res.status}`;
    let message = res.statusText;
    try {
      const b = (await res.json()) as { error?: { code?: string; message?: string } };
      if (b.error?.code) code = b.error.code;
      if (b.error?.message) message = b.error.message;
    } catch {
      // not JSON: a proxy's page, say
    }
    throw new CandidateApiError(res.status, code, message);
  };
  const enc = encodeURIComponent;
  return {
    attempt: async () => (await call<{ attempt: Attempt }>('GET', '/attempt')).attempt,
    startTest: async (id) => (await call<{ attempt: Attempt }>('POST', `/tests/${enc(id)}/start`, {})).attempt,
    finishTest: async (id) => (await call<{ attempt: Attempt }>('POST', `/tests/${enc(id)}/finish`, {})).attempt,
    save: async (id, value) => void (await call('PUT', `/answers/${enc(id)}`, { value }, true)),
    submit: async () => (await call<{ submission: Submission }>('POST', '/submit', {})).submission,
    proctoring: async (events, keepalive) => void (await call('POST', '/proctoring', { events }, keepalive)),
  };
}
