import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** An error a caller can act on: it becomes `{ error: { code, message } }` with its HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const notFound = (what = 'object') =>
  new ApiError(404, 'not_found', `No such ${what} here, or it belongs to another account.`);

export const errorBody = (code: string, message: string) => ({ error: { code, message } });

/** A CLI or configuration problem: printed as one line with its code, exit status 2. */
export class UsageError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The functions the CLI shares speak its UsageError; behind an HTTP route it is the caller's input: a 400. */
export async function asInput<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof UsageError) throw new ApiError(400, err.code, err.message);
    throw err;
  }
}
