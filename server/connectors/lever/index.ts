// The Lever connector (Equip-style stage trigger, contracts/ats-native.md §2): OAuth connect, posting ↔
// package mapping with a posting tag, candidateStageChange → order, candidateHired → outcome, and results
// written back as feedback (Rating) plus a note.
import type { Connector } from '../types.ts';
import { check, vendorSetup } from './check.ts';
import { cli } from './cli.ts';
import { onRevoked, refreshExpiring, settingsChanged } from './client.ts';
import { dashboardConnect, dashboardRoutes, leverAdminApi, leverPartnerRoutes, onConnected } from './routes.ts';
import { PROVIDER, SETTINGS, validateLeverSettings } from './settings.ts';
import { MAPPING_KIND, onAssessmentPublished } from './sync.ts';
import { leverWebhook, NOTE_JOB, runNote, runStageChange, STAGE_CHANGE_JOB } from './webhook.ts';
import { leverWriteBack } from './write-back.ts';

export const connector: Connector = {
  provider: PROVIDER,
  settings: SETTINGS,
  validateSettings: validateLeverSettings,
  webhook: leverWebhook,
  partnerRoutes: leverPartnerRoutes,
  adminRoutes: leverAdminApi,
  writeBack: leverWriteBack,
  jobs: { [STAGE_CHANGE_JOB]: runStageChange, [NOTE_JOB]: runNote },
  jobKind: MAPPING_KIND,
  onAssessmentPublished,
  onConnected,
  onRevoked,
  settingsChanged,
  periodic: { everyMs: 60_000, run: refreshExpiring },
  cli,
  dashboardConnect,
  dashboardRoutes,
  check,
  vendorSetup,
};
