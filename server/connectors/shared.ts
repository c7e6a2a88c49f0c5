// Helpers every connector uses: secrets of a connection, HMAC checks on raw bytes, delivery records.
import { createHmac } from 'node:crypto';
import * as v from 'valibot';
import { safeEqual, sha256Hex } from '../crypto/secrets.ts';
import { errorBody } from '../errors.ts';
import { callVendor, type CallOptions, type VendorResponse } from '../http/client.ts';
import type { Services } from '../services.ts';
import type { ConnectionRow, Repos } from '../store/types.ts';
import type { CheckFinding, WebhookRequest, WebhookResponse, WebhookVerdict } from './types.ts';

/** Where the vendor sends a connection's webhooks (`POST /webhooks/<provider>/<connection id>`, routes/webhooks.ts): the one builder of it. */
export const webhookUrl = (svc: Services, c: ConnectionRow): string => `${svc.config.publicUrl}/webhooks/${c.provider}/${c.id}`;

/** A URL the vendor calls for a connection (its `partnerRoutes`, mounted at /partner/<provider>/<connection id>/…). */
export const partnerUrl = (svc: Services, c: ConnectionRow, path: string): string => `${svc.config.publicUrl}/partner/${c.provider}/${c.id}/${path}`;

/** How a setting is kept and asked for: `secret` ones are sealed at rest and never printed; `required` ones connections:add insists on. */
export type SettingFlags = { secret?: boolean; required?: boolean };

/** One setting of a connection, in the vendor's words: a string checked by `schema` (each check with its sentence). */
export function setting<S extends v.GenericSchema<string, string>>(schema: S, flags: SettingFlags = {}) {
  return v.optional(v.pipe(schema, v.metadata(flags)));
}
type Setting = ReturnType<typeof setting>;

/** A package id as a request names it (a posting's mapping, StackOne's static Package ID in the partner form). */
export const PackageId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'Not a package id.'));

/** A string setting that passes `check`, else refused with `message` (a sentence naming the setting). */
export const checkedText = (check: (s: string) => boolean, message: string) => v.pipe(v.string(), v.check(check, message));

export function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Whether a URL points at this machine (localhost, 127.0.0.1, ::1): a vendor on the internet cannot reach it. */
export function isLoopback(url: string): boolean {
  try {
    return ['localhost', '127.0.0.1', '[::1]'].includes(new URL(url).hostname);
  } catch {
    return false;
  }
}

/**
 * The findings of one `connections:check` (`Connector.check`): `add` records one (its `fix` kept only when it
 * failed), `reAdd(setting)` is the sentence telling how to set a missing setting, `out` the list to return.
 */
export function checkFindings(provider: string) {
  const out: CheckFinding[] = [];
  const add = (ok: boolean, check: string, message: string, fix?: string) => void out.push({ ok, check, message, ...(ok || !fix ? {} : { fix }) });
  const reAdd = (setting: string) => `Add the connection again with assay connections:add --provider ${provider} … --set ${setting}=…`;
  return { out, add, reAdd };
}

/** A check's call to a URL the vendor (or we, as the vendor would) calls: the answer, or why there was none. */
export async function checkCall(url: string, opts: CallOptions): Promise<VendorResponse | string> {
  try {
    return await callVendor(url, { timeoutMs: 8_000, ...opts });
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * The `public_url` finding: PUBLIC_URL on this machine while the vendor (at `vendorBaseUrl`) is not, so the vendor
 * cannot reach `what`. Nothing when both are local (a simulator) or PUBLIC_URL is public.
 */
export function unreachablePublicUrl(svc: Services, vendorBaseUrl: string, vendor: string, what: string): CheckFinding | null {
  if (!isLoopback(svc.config.publicUrl) || isLoopback(vendorBaseUrl)) return null;
  return { ok: false, check: 'public_url', message: `PUBLIC_URL is ${svc.config.publicUrl}: ${vendor} cannot reach ${what} there.`, fix: 'Run the server behind a public https address and set PUBLIC_URL to it.' };
}

/** A connector's settings: one valibot object of `setting(...)` entries (server/connectors/<provider>/settings.ts). */
export type SettingsSchema = v.ObjectSchema<Record<string, Setting>, undefined>;
export type SettingsOf<S extends SettingsSchema> = { [K in keyof S['entries']]?: string };

/** The secret, public and required setting names, derived from the schema (the Connector's `settings`). */
export function settingNames(schema: SettingsSchema): { secret: string[]; public: string[]; required: string[] } {
  const out = { secret: [] as string[], public: [] as string[], required: [] as string[] };
  for (const [name, entry] of Object.entries(schema.entries)) {
    const flags = v.getMetadata(entry.wrapped) as SettingFlags;
    (flags.secret ? out.secret : out.public).push(name);
    if (flags.required) out.required.push(name);
  }
  return out;
}

/**
 * What is wrong with settings given to connections:add (or a connect form), as sentences: every given
 * setting checked by its own schema entry, then the rules across settings (`rules`). Empty when all is well.
 */
export function settingsProblems(schema: SettingsSchema, values: Record<string, string>, rules?: (values: Record<string, string>) => string[]): string[] {
  const problems: string[] = [];
  for (const [name, entry] of Object.entries(schema.entries)) {
    if (values[name] === undefined) continue;
    const r = v.safeParse(entry, values[name]);
    if (!r.success) for (const m of new Set(r.issues.map((i) => i.message))) problems.push(m);
  }
  return [...problems, ...(rules?.(values) ?? [])];
}

/**
 * A connection's settings by their names in `schema`, from its sealed secrets and its public config (the one
 * reader every connector uses). Values were checked by the schema when they were set, so they are not
 * checked again here; empty strings count as absent.
 */
export function readSettings<S extends SettingsSchema>(schema: S, svc: Services, connection: ConnectionRow): SettingsOf<S> {
  const secrets = secretsOf(svc, connection);
  const out: Record<string, string> = {};
  for (const name of Object.keys(schema.entries)) {
    const raw = secrets[name] ?? connection.config[name];
    if (typeof raw === 'string' && raw !== '') out[name] = raw;
  }
  return out as SettingsOf<S>;
}

/**
 * Connection secrets opened, per SecretBox, by their sealed text. The sealed text is the key: a changed secret is
 * sealed anew under a fresh IV, so an entry never goes stale and needs no dropping. A webhook needed them twice
 * per delivery (the signature check, then the routing of the order), AES-GCM and JSON each time: about 5 % of the
 * server's time per webhook in the ingest profile (issue 19). Bounded; the process holds the master key anyway.
 */
const opened = new WeakMap<Services['box'], Map<string, Readonly<Record<string, string>>>>();
const OPENED_MAX = 256;

export function secretsOf(svc: Services, connection: ConnectionRow): Readonly<Record<string, string>> {
  let byBox = opened.get(svc.box);
  if (!byBox) opened.set(svc.box, (byBox = new Map()));
  const sealed = connection.secrets_enc;
  let secrets = byBox.get(sealed);
  if (!secrets) {
    secrets = Object.freeze(svc.box.openJson<Record<string, string>>(sealed));
    if (byBox.size >= OPENED_MAX) byBox.delete(byBox.keys().next().value!);
    byBox.set(sealed, secrets);
  }
  return secrets;
}

/** A setting by its vendor name, from the secret or the public part of a connection. */
export function settingOf(svc: Services, connection: ConnectionRow, name: string): string | undefined {
  const s = secretsOf(svc, connection)[name];
  if (s !== undefined) return s;
  const p = connection.config[name];
  return typeof p === 'string' ? p : undefined;
}

export type MacEncoding = 'hex' | 'base64' | 'base64url';

/** HMAC-SHA256 of the raw bytes compared in constant time against `given` in any of the encodings. */
export function hmacMatches(secret: string | Buffer, raw: Uint8Array | string, given: string | null | undefined, encodings: MacEncoding[]): boolean {
  if (!given) return false;
  const mac = createHmac('sha256', secret).update(raw).digest();
  let ok = false;
  for (const enc of encodings) {
    const expected = enc === 'base64url' ? mac.toString('base64url') : mac.toString(enc);
    // Evaluate every encoding so timing does not reveal which one was tried.
    ok = safeEqual(expected, given.trim()) || ok;
  }
  return ok;
}

/**
 * The verdict on a delivery whose body the vendor signs with an HMAC-SHA256 in one header (Kombo, StackOne, Recruitee,
 * Greenhouse): each vendor keeps its header, encodings and refusal sentences. `signature` reads the MAC out of the
 * header's value when it carries more (Greenhouse's `sha256 <hex>`); `noSecret`, when given, is said first for a
 * connection without a secret (else `mismatch` is). The key is the signed bytes' hash (`signedBytesKey`): a vendor
 * with a signed delivery id in the body (Kombo) takes that instead.
 */
export function headerSignatureVerdict(
  req: WebhookRequest,
  o: { header: string; secret: string | null; encodings: MacEncoding[]; missing: string; mismatch: string; noSecret?: string; signature?: (value: string) => string | null | undefined },
): WebhookVerdict {
  if (!o.secret && o.noSecret) return { refused: o.noSecret };
  const value = req.headers.get(o.header);
  const given = value && (o.signature ? o.signature(value) : value);
  if (!given) return { refused: o.missing };
  if (!o.secret || !hmacMatches(o.secret, req.raw, given, o.encodings)) return { refused: o.mismatch };
  return { key: signedBytesKey(req.raw) };
}

/** Records an inbound delivery once; `duplicate` tells the caller to answer as before and do nothing. */
export async function recordDelivery(tx: Repos, provider: string, connectionId: string, deliveryId: string) {
  return tx.inbox.record({ provider, connection_id: connectionId, delivery_id: deliveryId.slice(0, 300) });
}

/** The de-duplication key of a vendor that signs the whole body and sends no signed delivery id: the signed bytes' hash. */
export const signedBytesKey = (raw: Uint8Array): string => `sha256:${sha256Hex(Buffer.from(raw))}`;

/** A verified delivery answered without storing anything (routes/webhooks.ts rolls the transaction back and answers `response`). */
export class WebhookRefusal extends Error {
  constructor(readonly response: WebhookResponse) {
    super(`webhook refused with ${response.status}`);
    this.name = 'WebhookRefusal';
  }
}

/** Refuses a verified delivery in the one error shape `{ error: { code, message } }`; nothing is stored. */
export function refuseWebhook(status: number, code: string, message: string): WebhookRefusal {
  return new WebhookRefusal({ status, body: errorBody(code, message) });
}

/** The body as JSON, or the one refusal for a body that is not JSON (400 `malformed_json`). */
export function webhookJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw refuseWebhook(400, 'malformed_json', 'The webhook body is not valid JSON.');
  }
}
