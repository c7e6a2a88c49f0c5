// The dashboard's one way to the BFF: /api/dashboard with the strict session cookie, errors in the
// one shape turned into an ApiFailure with a sentence to show.

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The sentence to show for a failed call: the server's (or the network's), else `fallback`. */
export const failureText = (err: unknown, fallback: string): string => (err instanceof ApiFailure ? err.message : fallback);

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export async function call<T>(fetchFn: Fetch, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetchFn(`/api/dashboard${path}`, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiFailure(0, 'network', 'The server could not be reached. Check your connection and try again.');
  }
  const data = (await res.json().catch(() => null)) as ({ error?: { code: string; message: string } } & T) | null;
  if (!res.ok) {
    if (res.status === 401) location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
    throw new ApiFailure(res.status, data?.error?.code ?? 'error', data?.error?.message ?? `The server answered ${res.status}.`);
  }
  return data as T;
}
