// The middleware ladder's steps: Assay's global middleware in server/app.ts's order, then the widget API's
// session check. Shared by the ladder server (bench/middleware-server.ts) and its bench (bench/middleware.ts).
export const LADDER = [
  { key: 'requestId', label: 'requestId (hono/request-id)' },
  { key: 'baselineHeaders', label: 'baselineHeaders (security headers)' },
  { key: 'methodNotAllowed', label: 'methodNotAllowed (405 + Allow)' },
  { key: 'bodyLimit', label: 'bodyLimit (256 KiB, counted)' },
  { key: 'clientAddress', label: 'clientAddressMiddleware (TRUST_PROXY)' },
  { key: 'compress', label: 'compress (ETag, brotli/gzip over 1 KB)' },
  { key: 'session', label: 'requireSession (widget session HMAC + claims)' },
] as const;

/** The path the ladder's hello-world answers at: the widget API's busiest, so the router and the 405 check
 * see what they see for GET /api/packages. */
export const LADDER_PATH = '/api/packages';

/** A fixed master key for the ladder's servers, so the bench can mint the session token they verify. */
export const LADDER_MASTER_KEY = 'a'.repeat(64);
