// A Lever connection's settings in Lever's words (API.md "Connections"), with the defaults filled in.
import type { Services } from '../../services.ts';
import type { ConnectionRow } from '../../store/types.ts';
import { secretsOf } from '../shared.ts';

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

export function leverSettings(svc: Services, connection: ConnectionRow): LeverSettings {
  const secrets = secretsOf(svc, connection);
  const pub = (k: string) => {
    const v = connection.config[k];
    return typeof v === 'string' && v.trim() ? v.trim() : undefined;
  };
  return {
    clientId: pub('client_id') ?? secrets.client_id ?? '',
    clientSecret: secrets.client_secret ?? '',
    signatureTokens: (secrets.signature_token ?? '').split(/[\s,]+/).filter(Boolean),
    triggerStage: pub('trigger_stage') ?? DEFAULT_TRIGGER_STAGE,
    performAs: pub('perform_as') ?? null,
    baseUrl: trimSlash(pub('base_url') ?? DEFAULT_BASE_URL),
    authUrl: trimSlash(pub('auth_url') ?? DEFAULT_AUTH_URL),
  };
}

/** Sentences for what is wrong with the settings given to connections:add. */
export function validateLeverSettings(values: Record<string, string>): string[] {
  const problems: string[] = [];
  for (const k of ['base_url', 'auth_url']) {
    const v = values[k];
    if (v === undefined) continue;
    try {
      const u = new URL(v);
      if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error();
    } catch {
      problems.push(`${k} must be an http(s) URL, not "${v}".`);
    }
  }
  const stage = values.trigger_stage;
  if (stage !== undefined && (stage.trim() === '' || stage.length > 200)) problems.push('trigger_stage must be the name of a Lever stage (1–200 characters).');
  if (values.perform_as !== undefined && !/^[A-Za-z0-9-]{8,64}$/.test(values.perform_as) && !/^[^@\s]+@[^@\s]+$/.test(values.perform_as)) {
    problems.push('perform_as must be a Lever user id or that user\'s e-mail address.');
  }
  return problems;
}
