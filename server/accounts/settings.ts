// An account's settings, one validation and one update for `assay accounts:update` and the dashboard's
// Settings page: company name and logo, frame origins, retention, invitation validity, score bands and
// (the operator's alone) the plan's features.
import * as v from 'valibot';
import { SOURCE_LABEL } from '../../shared/api.ts';
import { PROVIDERS } from '../../shared/providers.ts';
import { ApiError, UsageError } from '../errors.ts';
import type { Services } from '../services.ts';
import type { AccountRow, AccountSettings } from '../store/types.ts';

/** The connectors a plan can include (`features`); absent features: every one. */
export const PLAN_FEATURES = PROVIDERS;

/** An origin like https://ats.example.com, with the wildcards CSP frame-ancestors understands (*. and :*). */
export const FRAME_ORIGIN = /^https?:\/\/(\*\.)?([a-z0-9-]+\.)*[a-z0-9-]+(:(\d{1,5}|\*))?$/i;

const whole = (name: string, min: number, max: number) =>
  v.pipe(v.number(`${name} must be a number.`), v.integer(`${name} must be a whole number.`), v.minValue(min, `${name} must be from ${min} to ${max}.`), v.maxValue(max, `${name} must be from ${min} to ${max}.`));

const Band = v.strictObject({
  min: whole('A band’s lowest score', 0, 100),
  max: whole('A band’s highest score', 0, 100),
  label: v.pipe(v.string('A band needs a label.'), v.trim(), v.minLength(1, 'A band needs a label.'), v.maxLength(60, 'A band’s label is at most 60 characters.')),
});

/** Bands from 0 to 100 in order, each starting one above the last one's end: every score in exactly one. */
const coversAllScores = (bands: { min: number; max: number; label: string }[]) =>
  bands.every((b, i) => b.min <= b.max && (i === 0 ? b.min === 0 : b.min === bands[i - 1]!.max + 1)) && bands[bands.length - 1]!.max === 100;

/** The sentence for a body that is not one object of settings. */
export const SETTINGS_OBJECT = 'Send the settings to change as one JSON object, like {"company_name": "Acme"}.';

/** The sentence for a key that is not one of `names`, or for a body that is not an object. */
const notASetting = (names: string) => (issue: v.BaseIssue<unknown>) => (issue.expected === 'never' ? `"${String(issue.input)}" is not a setting; the settings are ${names}.` : SETTINGS_OBJECT);
const DASHBOARD_SETTINGS = 'company_name, logo_url, frame_origins, retention_days, invitation_days and score_bands';

/** What the dashboard's admins may change. */
export const SettingsSchema = v.strictObject({
  company_name: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1, 'The company name cannot be empty.'), v.maxLength(200, 'The company name is at most 200 characters.'))),
  logo_url: v.optional(
    v.union(
      [v.literal(''), v.pipe(v.string(), v.maxLength(500, 'The logo address is at most 500 characters.'), v.url('The logo must be an https address of an image.'), v.startsWith('https://', 'The logo must be an https address of an image.'))],
      'The logo must be an https address of an image.',
    ),
  ),
  frame_origins: v.optional(
    v.pipe(
      v.array(v.pipe(v.string(), v.trim(), v.regex(FRAME_ORIGIN, 'A frame origin is like https://ats.example.com: no path, no trailing slash.')), 'Frame origins must be a list.'),
      v.maxLength(50, 'At most 50 frame origins.'),
    ),
  ),
  retention_days: v.optional(whole('Retention days', 0, 3650)),
  invitation_days: v.optional(whole('Invitation validity (days)', 1, 90)),
  score_bands: v.optional(
    v.pipe(
      v.array(Band, 'Score bands must be a list.'),
      v.minLength(1, 'Give at least one score band.'),
      v.maxLength(10, 'At most 10 score bands.'),
      v.check(coversAllScores, 'Score bands must run from 0 to 100 in order, each starting one above the previous one’s highest score.'),
    ),
  ),
}, notASetting(DASHBOARD_SETTINGS));
/** What the provider's operator may change as well (the CLI): the plan. */
export const OperatorSettingsSchema = v.strictObject({
  ...SettingsSchema.entries,
  features: v.optional(v.pipe(v.array(v.picklist(PLAN_FEATURES, `Features are some of ${PLAN_FEATURES.join(', ')}.`)), v.transform((f) => [...new Set(f)]))),
}, notASetting(`${DASHBOARD_SETTINGS} and features`));
export type SettingsInput = v.InferOutput<typeof OperatorSettingsSchema>;

/** The settings as the dashboard shows them (defaults filled in). */
export function settingsView(account: AccountRow) {
  const s = account.settings;
  return {
    company_name: s.company_name || account.name,
    logo_url: s.logo_url ?? '',
    frame_origins: account.frame_origins,
    retention_days: s.retention_days ?? 0,
    invitation_days: s.invitation_days ?? null,
    score_bands: s.score_bands ?? null,
    features: s.features ?? [...PLAN_FEATURES],
  };
}

/** Whether the account's plan includes a connector. */
export const hasFeature = (account: Pick<AccountRow, 'settings'>, feature: string): boolean => !account.settings.features || account.settings.features.includes(feature);

/** The customer's own connect flows (dashboard, Connect your ATS) refuse a connector outside the account's plan. */
export function requireInPlan(account: Pick<AccountRow, 'settings'>, provider: string): void {
  if (!hasFeature(account, provider)) throw new ApiError(403, 'not_in_plan', `Your plan does not include ${SOURCE_LABEL[provider] ?? provider}. Ask your assessment provider to add it.`);
}

/** requireInPlan for an account known by its id. */
export async function requireInPlanOf(svc: Services, accountId: string, provider: string): Promise<void> {
  const account = await svc.store.accounts.get(accountId);
  if (account) requireInPlan(account, provider);
}

/**
 * Validates and stores a change of settings (only the fields given) with its audit entry, in one transaction.
 * `operator` (the CLI) may also set the plan's features; the dashboard may not. Bad input: UsageError.
 */
export async function updateAccountSettings(svc: Services, accountId: string, input: unknown, by: { actor: string; operator: boolean }): Promise<AccountRow> {
  // A list is an object to valibot (and names no setting): refused here, before anything is written.
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new UsageError('invalid_settings', SETTINGS_OBJECT);
  const parsed = v.safeParse(by.operator ? OperatorSettingsSchema : SettingsSchema, input);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const key = issue.path?.[0]?.key;
    if (!by.operator && key === 'features') throw new UsageError('operator_only', 'The plan’s features are set by your assessment provider.');
    // One code per setting; an unknown key (or a problem with the whole body) is invalid_settings.
    throw new UsageError(typeof key === 'string' && Object.hasOwn(OperatorSettingsSchema.entries, key) ? `invalid_${key}` : 'invalid_settings', issue.message);
  }
  const { frame_origins, ...rest } = parsed.output as SettingsInput;
  return svc.store.transaction(async (tx) => {
    const account = await tx.accounts.get(accountId);
    if (!account) throw new UsageError('unknown_account', `There is no account "${accountId}".`);
    const settings: AccountSettings = { ...account.settings };
    for (const [k, val] of Object.entries(rest)) {
      if (val === undefined) continue;
      if (k === 'logo_url' && val === '') delete settings.logo_url;
      else (settings as Record<string, unknown>)[k] = val;
    }
    await tx.accounts.update(accountId, { settings, ...(frame_origins ? { frame_origins } : {}) });
    await tx.audit.add({ account_id: accountId, actor: by.actor, action: 'account.updated', target: accountId, details: { changed: Object.keys(parsed.output).filter((k) => (parsed.output as Record<string, unknown>)[k] !== undefined) } });
    return { ...account, settings, frame_origins: frame_origins ?? account.frame_origins };
  });
}
