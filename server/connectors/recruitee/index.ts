// Recruitee's own marketplace partner API (ats-native.md §3.3): tests and send_candidate, report updates, webhooks.
import type { Connector } from '../types.ts';
import { checkRecruitee, recruiteeSetup } from './check.ts';
import { cli } from './cli.ts';
import { dashboardConnect, dashboardRoutes, partnerLogos, recruiteePartnerRoutes } from './routes.ts';
import { PROVIDER, SETTINGS, validateSettings } from './settings.ts';
import { periodic } from './sync.ts';
import { recruiteeWebhook } from './webhook.ts';
import { recruiteeWriteBack } from './write-back.ts';

export const connector: Connector = {
  provider: PROVIDER,
  settings: SETTINGS,
  validateSettings,
  webhook: recruiteeWebhook,
  partnerRoutes: recruiteePartnerRoutes,
  writeBack: recruiteeWriteBack,
  periodic,
  cli,
  dashboardConnect,
  dashboardRoutes,
  pageRoutes: partnerLogos,
  check: checkRecruitee,
  vendorSetup: recruiteeSetup,
};
