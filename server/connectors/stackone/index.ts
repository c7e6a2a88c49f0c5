// StackOne's Unified ATS Assessments API through its Recruitee partner integration (unified-apis.md §2).
import type { Connector } from '../types.ts';
import { checkStackOne, stackOneSetup } from './check.ts';
import { cli } from './cli.ts';
import { dashboardConnect, dashboardRoutes, stackOnePartnerRoutes } from './routes.ts';
import { PROVIDER, SETTINGS, validateSettings } from './settings.ts';
import { periodic } from './sync.ts';
import { REFUSAL_JOB, stackOneWebhook } from './webhook.ts';
import { refusalJob, stackOneWriteBack } from './write-back.ts';

export const connector: Connector = {
  provider: PROVIDER,
  settings: SETTINGS,
  validateSettings,
  webhook: stackOneWebhook,
  partnerRoutes: stackOnePartnerRoutes,
  writeBack: stackOneWriteBack,
  jobs: { [REFUSAL_JOB]: refusalJob },
  periodic,
  cli,
  dashboardConnect,
  dashboardRoutes,
  check: checkStackOne,
  vendorSetup: stackOneSetup,
};
