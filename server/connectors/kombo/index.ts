// Kombo's unified ATS-assessment API (contracts/unified-apis.md §1): packages pushed, orders by webhook
// and by reconciliation, results written back through the outbox, customers onboarded with Kombo Connect.
import type { Connector } from '../types.ts';
import { check, vendorSetup } from './check.ts';
import { cli } from './cli.ts';
import { connectPage, dashboardConnect, komboRoutes } from './routes.ts';
import { SETTINGS, PROVIDER, validateSettings } from './settings.ts';
import { onConnected, onPackagesChanged, PUSH_JOB, RECONCILE_MS, reconcileAll, runPushJob } from './sync.ts';
import { handleWebhook } from './webhook.ts';
import { writeBack } from './write-back.ts';

export const connector: Connector = {
  provider: PROVIDER,
  settings: SETTINGS,
  validateSettings,
  webhook: handleWebhook,
  partnerRoutes: komboRoutes,
  pageRoutes: connectPage,
  writeBack,
  jobs: { [PUSH_JOB]: runPushJob },
  onConnected,
  onPackagesChanged,
  periodic: { everyMs: RECONCILE_MS, run: reconcileAll },
  cli,
  dashboardConnect,
  check,
  vendorSetup,
};
