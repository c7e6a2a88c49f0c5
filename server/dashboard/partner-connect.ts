// The dashboard's StackOne / Recruitee partner settings form (codename, name, description, logo, static package
// id; seed 001); Greenhouse's form and Lever's Configure are their connectors' (`dashboardRoutes`). Every connection is made by addConnection, the function `assay connections:add` uses,
// with the provider-wide credentials from server/config.ts — never asked of the customer.
import { requireInPlanOf } from '../accounts/settings.ts';
import { ApiError } from '../errors.ts';
import { newId, randomToken } from '../ids.ts';
import type { VendorSetupSection } from '../connectors/types.ts';
import type { Services } from '../services.ts';
import { addConnection } from './connections.ts';

/** Where the uploaded logo is kept (connector state of the connection) and served from. */
export const LOGO_KEY = 'partner_logo';
// UNCONFIRMED: neither StackOne nor Recruitee documents a logo limit; 100 KB keeps it a light image.
export const LOGO_MAX_BYTES = 100 * 1024;
/** The image types a logo may have, told by their first bytes (never by the name or the declared type alone). */
const LOGO_TYPES: { type: string; magic: (b: Buffer) => boolean }[] = [
  { type: 'image/png', magic: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { type: 'image/jpeg', magic: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { type: 'image/webp', magic: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP' },
];
export const LOGO_TYPE_NAMES = 'PNG, JPEG or WebP';

export interface StoredLogo {
  type: string;
  /** base64 */
  data: string;
}

/** The logo's bytes checked for size and type: a 400 with a sentence otherwise. */
export function checkLogo(logo: { type: string; data_base64: string }): StoredLogo {
  const bytes = Buffer.from(logo.data_base64, 'base64');
  if (bytes.byteLength === 0) throw new ApiError(400, 'logo_empty', 'The logo file is empty.');
  if (bytes.byteLength > LOGO_MAX_BYTES) throw new ApiError(400, 'logo_too_large', `The logo is ${Math.ceil(bytes.byteLength / 1024)} KB; it may be at most ${LOGO_MAX_BYTES / 1024} KB.`);
  const found = LOGO_TYPES.find((t) => t.magic(bytes));
  if (!found || found.type !== logo.type) throw new ApiError(400, 'logo_wrong_type', `The logo must be a ${LOGO_TYPE_NAMES} image.`);
  return { type: found.type, data: bytes.toString('base64') };
}

/** Public: the address Recruitee loads the logo from. */
export const logoUrl = (svc: Services, connectionId: string) => `${svc.config.publicUrl}/partner/logos/${connectionId}`;

export interface PartnerForm {
  codename: string;
  name: string;
  description: string;
  logo?: { type: string; data_base64: string };
  static_package_id?: string;
  /** StackOne: the linked account id from StackOne's Accounts page / Connector Hub. */
  account_id?: string;
  /** Recruitee: the company id from the Recruitee app's URL. */
  company_id?: string;
}

/** What the admin copies, shown once after saving (the tokens are sealed afterwards). */
export interface PartnerSetup {
  connection_id: string;
  provider: 'stackone' | 'recruitee';
  /** Recruitee: the External Trigger Token the customer pastes into Recruitee Marketplace → Integrate. */
  external_trigger_token: string | null;
  /** StackOne: the webhook's secret and the key StackOne sends to our package list. */
  webhook_secret: string | null;
  partner_api_key: string | null;
  logo_url: string | null;
  setup: VendorSetupSection[];
}

/** StackOne or Recruitee through the partner settings form; the rules are the connectors' own (validateSettings). */
export async function connectPartner(svc: Services, accountId: string, provider: 'stackone' | 'recruitee', form: PartnerForm, actor: string): Promise<PartnerSetup> {
  await requireInPlanOf(svc, accountId, provider);
  const id = newId('con');
  const logo = form.logo ? checkLogo(form.logo) : null;
  const profile: Record<string, string> = { codename: form.codename, partner_name: form.name, partner_description: form.description };
  if (logo) profile.partner_logo_url = logoUrl(svc, id);
  let settings: Record<string, string>;
  let shown: Pick<PartnerSetup, 'external_trigger_token' | 'webhook_secret' | 'partner_api_key'>;
  if (provider === 'stackone') {
    const app = svc.config.stackoneApp;
    if (!app) throw new ApiError(409, 'stackone_unavailable', 'Connecting StackOne is not available yet: your assessment provider has not set it up. Ask them to enable it.');
    if (!form.account_id) throw new ApiError(400, 'missing_setting', 'Enter the StackOne account id of your linked Recruitee account.');
    if (form.static_package_id && !(await svc.store.packages.get(accountId, form.static_package_id))) throw new ApiError(400, 'unknown_package', 'Choose one of your packages as the static Package ID.');
    // UNCONFIRMED: StackOne's document does not say who makes the webhook's signing secret; we make it and show it.
    shown = { external_trigger_token: null, webhook_secret: randomToken(24), partner_api_key: randomToken(24) };
    settings = { ...profile, api_key: app.apiKey, account_id: form.account_id, webhook_secret: shown.webhook_secret!, partner_api_key: shown.partner_api_key! };
    if (form.static_package_id) settings.static_package_id = form.static_package_id;
    if (app.baseUrl) settings.base_url = app.baseUrl;
  } else {
    const partner = svc.config.recruiteePartner;
    if (!partner) throw new ApiError(409, 'recruitee_unavailable', 'Connecting Recruitee is not available yet: your assessment provider has not set it up. Ask them to enable it.');
    shown = { external_trigger_token: randomToken(24), webhook_secret: null, partner_api_key: null };
    settings = { ...profile, customer_token: shown.external_trigger_token!, partner_secret: partner.partnerSecret };
    if (form.company_id) settings.company_id = form.company_id;
    if (partner.baseUrl) settings.base_url = partner.baseUrl;
  }
  const { connection } = await addConnection(svc, { accountId, provider, settings, actor, id, state: logo ? { [LOGO_KEY]: logo } : {} });
  const setup = (await svc.connectors[provider]?.vendorSetup?.(svc, connection)) ?? [];
  return { connection_id: connection.id, provider, ...shown, logo_url: logo ? logoUrl(svc, id) : null, setup };
}
