// What Kombo sends us (webhooks, contracts/unified-apis.md §1.2–§1.5), validated at the edge; the answers to
// our calls are checked by @kombo-api/sdk (client.ts), and KomboOrderSchema then holds orders from either
// path to the same shape.
import * as v from 'valibot';

const Str = v.pipe(v.string(), v.maxLength(2000));
const NullStr = v.optional(v.nullable(Str), null);

/** Kombo's order (webhook `data` and GET /assessment/orders items). Unknown keys are ignored. */
export const KomboOrderSchema = v.object({
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  package_id: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  status: v.optional(v.picklist(['OPEN', 'COMPLETED', 'CANCELLED', 'REJECTED'])),
  integration_id: v.optional(v.pipe(v.string(), v.maxLength(200))),
  // Kombo marks email as a required string; a missing one is treated as "no usable e-mail" and refused
  // with a sentence (422), not as a malformed request.
  candidate: v.object({
    remote_id: NullStr,
    email: NullStr,
    first_name: NullStr,
    last_name: NullStr,
    phone: NullStr,
  }),
  application: v.optional(v.nullable(v.object({ remote_id: NullStr })), null),
  job: v.optional(
    v.nullable(
      v.object({
        remote_id: NullStr,
        name: NullStr,
        job_code: NullStr,
      }),
    ),
    null,
  ),
});
export type KomboOrder = v.InferOutput<typeof KomboOrderSchema>;

/** Every Kombo webhook: `{ id (event id), type, data }`. */
export const EnvelopeSchema = v.object({
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  type: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
  data: v.record(v.string(), v.unknown()),
});

/** `integration-created`. UNCONFIRMED: shaped after Kombo's Connect docs; not in the contract. */
export const IntegrationCreatedSchema = v.object({
  id: v.pipe(v.string(), v.regex(/^[a-z0-9_]+:[A-Za-z0-9_-]{4,100}$/, 'integration id must look like <tool>:<id>')),
  tool: v.optional(v.pipe(v.string(), v.maxLength(100))),
  category: v.optional(v.string()),
  end_user: v.optional(
    v.object({
      organization_name: NullStr,
      creator_email: NullStr,
      origin_id: NullStr,
    }),
  ),
});

export const CreateLinkSchema = v.object({
  status: v.literal('success'),
  data: v.object({ link: v.pipe(v.string(), v.url()) }),
});

export const IntegrationByTokenSchema = v.object({
  status: v.literal('success'),
  data: v.object({
    id: v.pipe(v.string(), v.regex(/^[a-z0-9_]+:[A-Za-z0-9_-]{4,100}$/)),
    tool: v.string(),
    end_user_origin_id: v.nullable(v.string()),
  }),
});

/** Kombo's error envelope (§1.3): branch on `code`, never on the message. */
export const ErrorEnvelopeSchema = v.object({
  status: v.literal('error'),
  error: v.object({ code: v.nullable(v.string()), message: v.string() }),
});
