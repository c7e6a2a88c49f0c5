// Greenhouse: the Assessment Partner API (Greenhouse orders through send_test and pulls test_status when
// we PATCH its take-home-test URL), Recruiting webhooks (stage triggers, outcomes, erasure, merges,
// job changes) and a read-only Harvest sync. Contract: ../shared/contracts/ats-native.md §1.
import type { Connector } from '../types.ts';
import { check, vendorSetup } from './check.ts';
import { cli } from './cli.ts';
import { dashboardConnect, dashboardRoutes, onConnected, partnerRoutes } from './routes.ts';
import { PROVIDER, SETTINGS, validateGreenhouseSettings } from './settings.ts';
import { jobs, periodic } from './sync.ts';
import { greenhouseWebhook } from './webhook.ts';
import { writeBack } from './write-back.ts';

export const connector: Connector = {
  provider: PROVIDER,
  settings: SETTINGS,
  validateSettings: validateGreenhouseSettings,
  webhook: greenhouseWebhook,
  partnerRoutes,
  writeBack,
  jobs,
  periodic,
  cli,
  dashboardConnect,
  dashboardRoutes,
  check,
  vendorSetup,
  onConnected,
};
