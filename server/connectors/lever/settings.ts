// A Lever connection's settings in Lever's words (API.md "Connections"), with the defaults filled in.
import type { Services } from '../../services.ts';
import type { ConnectionRow } from '../../store/types.ts';
import * as v from 'valibot';
import { checkedText, isHttpUrl, readSettings, setting, settingNames, settingsProblems } from '../shared.ts';

export const PROVIDER = 'lever';
export const DEFAULT_BASE_URL = 'https://api.lever.co/v1';
export const DEFAULT_AUTH_URL = 'https://auth.lever.co';
export const DEFAULT_TRIGGER_STAGE = 'Assay Assessment';
/** The tag we put on a mapped posting: `assay:<package id>` (Lever's "Assessments" recipe tags postings). */
export const TAG_PREFIX = 'assay:';
export const postingTag = (packageId: string) => `${TAG_PREFIX}${packageId}`;

/**
 * Lever's "Assessments" recipe scopes (contracts/ats-native.md §2.1) plus what we read and write:
 * postings (tags), feedback + templates (the rating), users (perform_as by e-mail).
 */
export const SCOPES = [
  'offline_access',
  'opportunities:write:admin',
  'notes:write:admin',
  'stages:read:admin',
  'tags:read:admin',
  'postings:write:admin',
  'feedback:write:admin',
  'feedback_templates:read:admin',
  'users:read:admin',
].join(' ');

export interface LeverSettings {
  clientId: string;
  clientSecret: string;
  /** One token, or several separated by spaces/commas when each webhook event has its own. */
  signatureTokens: string[];
  triggerStage: string;
  /** A Lever user id, or an e-mail resolved through GET /users. */
  performAs: string | null;
  baseUrl: string;
  authUrl: string;
}

const trimSlash = (s: string) => s.replace(/\/+$/, '');

const url = (name: string) => v.pipe(v.string(), v.check(isHttpUrl, (i) => `${name} must be an http(s) URL, not "${String(i.input)}".`));

/** A Lever connection's settings (API.md "Connections"), in Lever's words; secret ones sealed at rest. */
export const SettingsSchema = v.object({
  client_secret: setting(v.string(), { secret: true, required: true }),
  // The webhook's signature token exists only once the webhook URL (which names this connection) is saved in Lever.
  // One token, or several separated by spaces/commas when each webhook event has its own.
  signature_token: setting(v.string(), { secret: true }),
  client_id: setting(v.string(), { required: true }),
  trigger_stage: setting(checkedText((s) => s.trim() !== '' && s.length <= 200, 'trigger_stage must be the name of a Lever stage (1–200 characters).')),
  perform_as: setting(
    checkedText((s) => /^[A-Za-z0-9-]{8,64}$/.test(s) || /^[^@\s]+@[^@\s]+$/.test(s), "perform_as must be a Lever user id or that user's e-mail address."),
  ),
  base_url: setting(url('base_url')),
  auth_url: setting(url('auth_url')),
});
export const SETTINGS = settingNames(SettingsSchema);

export function leverSettings(svc: Services, connection: ConnectionRow): LeverSettings {
  const s = readSettings(SettingsSchema, svc, connection);
  const pub = (k: 'client_id' | 'trigger_stage' | 'perform_as' | 'base_url' | 'auth_url') => s[k]?.trim() || undefined;
  return {
    clientId: pub('client_id') ?? '',
    clientSecret: s.client_secret ?? '',
    signatureTokens: (s.signature_token ?? '').split(/[\s,]+/).filter(Boolean),
    triggerStage: pub('trigger_stage') ?? DEFAULT_TRIGGER_STAGE,
    performAs: pub('perform_as') ?? null,
    baseUrl: trimSlash(pub('base_url') ?? DEFAULT_BASE_URL),
    authUrl: trimSlash(pub('auth_url') ?? DEFAULT_AUTH_URL),
  };
}

/** Sentences for what is wrong with the settings given to connections:add or lever:set. */
export function validateLeverSettings(values: Record<string, string>): string[] {
  return settingsProblems(SettingsSchema, values);
}
