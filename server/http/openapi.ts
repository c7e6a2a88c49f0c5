// Completes the generated OpenAPI document with what every route shares, so the document lists the answers
// the server really gives: one Error schema (the `{ error: { code, message } }` of server/errors.ts), and
// 413 on every operation that takes a body (the body limit in server/http/middleware.ts applies to all).
import { MAX_BODY_BYTES } from './middleware.ts';

type Doc = { paths?: Record<string, Record<string, { responses?: Record<string, unknown> }>>; components?: Record<string, Record<string, unknown>> };

export const ERROR_SCHEMA = {
  type: 'object',
  properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } }, required: ['code', 'message'] } },
  required: ['error'],
} as const;

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

export function completeDocument<T extends Doc>(doc: T): T {
  doc.components = { ...doc.components, schemas: { ...doc.components?.schemas, Error: ERROR_SCHEMA } };
  for (const ops of Object.values(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(ops)) {
      if (!['post', 'put', 'patch'].includes(method)) continue;
      op.responses = op.responses ?? {};
      op.responses['413'] ??= errorResponse(`body_too_large: the body is over this operation's limit (at most ${MAX_BODY_BYTES} bytes), counted as it arrives`);
    }
  }
  return doc;
}
