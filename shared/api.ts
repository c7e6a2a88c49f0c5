// Types and valibot schemas of the public JSON surface, shared by the BFF and the widget.
import * as v from 'valibot';
import { EXTRA_TIME_PERCENTS } from './extra-time.ts';
import { PROVIDER_LABELS, PROVIDERS } from './providers.ts';

export const ORDER_STATUSES = ['pending', 'in_progress', 'completed', 'expired', 'cancelled', 'rejected', 'failed'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
/** Statuses an order can still leave: the candidate may take it, a recruiter may cancel or resend it. */
export const ACTIVE_STATUSES: readonly OrderStatus[] = ['pending', 'in_progress'];

export const ROLES = ['recruiter', 'admin', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const PACKAGE_TYPES = ['BEHAVIORAL', 'SKILLS_TEST', 'VIDEO_INTERVIEW', 'BACKGROUND_CHECK', 'REFERENCE_CHECK'] as const;

/** Where an order came from: the recruiter widget, or one of the providers (shared/providers.ts). */
export const ORDER_SOURCES = ['widget', ...PROVIDERS] as const;
export type OrderSource = (typeof ORDER_SOURCES)[number];

const Id = v.pipe(v.string(), v.minLength(1), v.maxLength(200));
const Email = v.pipe(v.string(), v.trim(), v.maxLength(254), v.email());
const Name = v.pipe(v.string(), v.maxLength(200));

/** Claims of the ATS context token (API.md). Registered claims are checked by jose; these by valibot. */
export const ContextClaimsSchema = v.object({
  iss: v.string(),
  sub: Id,
  role: v.picklist(ROLES),
  candidate: v.object({
    id: Id,
    email: v.optional(v.nullable(v.string())),
    first_name: v.optional(v.nullable(Name)),
    last_name: v.optional(v.nullable(Name)),
  }),
  application: v.object({ id: Id }),
  job: v.optional(v.object({ id: v.optional(v.nullable(Id)), name: v.optional(v.nullable(Name)) })),
  locale: v.optional(v.pipe(v.string(), v.maxLength(35))),
  jti: v.optional(v.pipe(v.string(), v.maxLength(200))),
});
export type ContextClaims = v.InferOutput<typeof ContextClaimsSchema>;
export const isUsableEmail = (s: string | null | undefined): s is string => !!s && v.is(Email, s);

export const SessionRequestSchema = v.strictObject({
  context: v.pipe(v.string(), v.minLength(1), v.maxLength(16_384)),
  /** How the widget was framed, from its URL: the page's origin, and the account or issuer it named. */
  parent: v.optional(v.pipe(v.string(), v.maxLength(300))),
  account: v.optional(v.pipe(v.string(), v.maxLength(100))),
  iss: v.optional(v.pipe(v.string(), v.maxLength(500))),
});

export const SessionSchema = v.object({
  token: v.string(),
  expires_at: v.string(),
  account: v.object({ id: v.string(), name: v.string() }),
  role: v.picklist(ROLES),
  candidate: v.object({ id: v.string(), name: v.nullable(v.string()), email: v.nullable(v.string()) }),
  /** A refusal every order would meet (e.g. no usable e-mail), so the picker can say it before Send. */
  refusal: v.optional(v.nullable(v.object({ code: v.string(), message: v.string() }))),
  application: v.object({ id: v.string() }),
  job: v.object({ id: v.nullable(v.string()), name: v.nullable(v.string()) }),
  locale: v.string(),
});
export type Session = v.InferOutput<typeof SessionSchema>;

export const PackageSchema = v.object({
  id: v.string(),
  name: v.string(),
  description: v.string(),
  type: v.picklist(PACKAGE_TYPES),
  duration_minutes: v.number(),
});
export type Package = v.InferOutput<typeof PackageSchema>;
export const PackageListSchema = v.object({ packages: v.array(PackageSchema) });

export const ResultSummarySchema = v.object({
  score: v.number(),
  max_score: v.number(),
  status: v.picklist(ORDER_STATUSES),
  result_url: v.string(),
  completed_at: v.string(),
  // From the one result summary (shared/result): the integer percent (same as score), band, answered of total, per test.
  percent: v.optional(v.number()),
  band: v.optional(v.nullable(v.string())),
  answered: v.optional(v.number()),
  total: v.optional(v.number()),
  tests: v.optional(v.array(v.object({ id: v.string(), name: v.string(), percent: v.number() }))),
});
export type ResultSummary = v.InferOutput<typeof ResultSummarySchema>;

const IsoOrNull = v.nullable(v.string());
export const OrderSchema = v.object({
  id: v.string(),
  package_id: v.string(),
  package_name: v.string(),
  status: v.picklist(ORDER_STATUSES),
  source: v.picklist(ORDER_SOURCES),
  candidate_id: v.string(),
  application_id: v.nullable(v.string()),
  job: v.object({ id: v.nullable(v.string()), name: v.nullable(v.string()) }),
  reason: v.nullable(v.string()),
  created_at: v.string(),
  updated_at: v.string(),
  invited_at: IsoOrNull,
  started_at: IsoOrNull,
  completed_at: IsoOrNull,
  expires_at: IsoOrNull,
  result: v.nullable(ResultSummarySchema),
  /** Extra time granted as an accommodation, percent of each test's duration; 0 when none. */
  extra_time_percent: v.optional(v.number()),
});
export type Order = v.InferOutput<typeof OrderSchema>;
export const OrderEnvelopeSchema = v.object({ order: OrderSchema });
export const OrderListSchema = v.object({ orders: v.array(OrderSchema) });

export const CreateOrderSchema = v.strictObject({
  package_id: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
  extra_time_percent: v.optional(v.picklist(EXTRA_TIME_PERCENTS, 'extra_time_percent must be one of 0, 25, 50 or 100.')),
});

export const IdempotencyKeySchema = v.pipe(v.string(), v.minLength(1, 'Idempotency-Key must not be empty.'), v.maxLength(255, 'Idempotency-Key must be at most 255 characters.'), v.regex(/^[\x21-\x7e]{1,255}$/, 'Idempotency-Key must be 1–255 visible ASCII characters.'));

/** How people name each order source (the dashboard's labels, the server's sentences). */
/** A Lever posting with its package mapping, as GET /api/lever/postings lists it (server/connectors/lever/sync.ts builds it; the widget's mappings view shows it). */
export interface LeverPostingView {
  id: string;
  text: string;
  state: string;
  team: string | null;
  location: string | null;
  url: string | null;
  tags: string[];
  mapping: { package_id: string; package_name: string | null; package_active: boolean } | null;
}

export const SOURCE_LABEL: Record<string, string> = { widget: 'Widget', ...PROVIDER_LABELS };
