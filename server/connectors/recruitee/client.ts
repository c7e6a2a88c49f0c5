// Every call Assay makes to Recruitee's Partners API (ats-native.md §3.3), authenticated with our RT-PARTNER-SECRET.
import { callVendor, type VendorResponse } from '../../http/client.ts';
import type { RecruiteeSettings } from './settings.ts';

export type ReportStatus = 'sent' | 'completed' | 'failed' | 'canceled';
export interface ReportPatch {
  status: ReportStatus;
  /** Free text on Recruitee's side: we send a percentage such as "76%". */
  score?: string;
  completed_at?: string;
}

type Partner = Pick<RecruiteeSettings, 'baseUrl'> & { partnerSecret: string; codename: string };

/** Report update: PATCH {base}/p/{codename}/reports/{report_id}. */
export function patchReport(s: Partner, reportId: string, patch: ReportPatch): Promise<VendorResponse> {
  return callVendor(`${s.baseUrl}/p/${encodeURIComponent(s.codename)}/reports/${encodeURIComponent(reportId)}`, {
    method: 'PATCH',
    headers: { 'RT-PARTNER-SECRET': s.partnerSecret, 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(patch),
    timeoutMs: 15_000,
  });
}

/** A read that needs the partner secret and codename and changes nothing: candidate 0 has no reports. */
export function readNoReports(s: Partner & { companyId?: string | null }, timeoutMs = 8_000): Promise<VendorResponse> {
  const url = `${s.baseUrl}/p/${encodeURIComponent(s.codename)}/c/${encodeURIComponent(s.companyId ?? '0')}/candidates/0/reports`;
  return callVendor(url, { headers: { 'RT-PARTNER-SECRET': s.partnerSecret, Accept: 'application/json' }, timeoutMs });
}
