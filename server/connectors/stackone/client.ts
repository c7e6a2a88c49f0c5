// Our StackOne client: every call to StackOne's unified API goes through StackOne's official SDK
// (@stackone/stackone-client-ts, its standalone functions on a StackOneCore), with its own retries off (by default
// it retries 429/408/connection errors for up to an hour, unified-apis.md §0; the outbox retries) and its fetch
// replaced by vendorFetch (callVendor's timeout, no redirects followed, bounded bodies). Its typed errors become
// our RetryableError/PermanentError (failureForSdk). Basic auth is the SDK's: base64(api key + ":") (§2.1).
import type { StackOneCore } from '@stackone/stackone-client-ts/core.js';
import type { AtsUpdateCandidatesAssessmentsResultsRequestDtoValueOpen as SdkResultValue } from '@stackone/stackone-client-ts/sdk/models/shared/atsupdatecandidatesassessmentsresultsrequestdto.js';
import { failureForSdk, PermanentError, sdkPathId, vendorFetch } from '../../http/client.ts';
import type { StackOneSettings } from './settings.ts';

export type ResultValue = 'initiated' | 'in_progress' | 'cancelled' | 'completed' | 'expired' | 'failed' | 'passed';

/** PATCH /unified/ats/assessments/orders/{id}/result body (§2.3), in StackOne's wire names. */
export interface UpdateResultBody {
  result_url?: string;
  score?: { label: string; value: string; min: string; max: string };
  result: { value: ResultValue; source_value?: string };
  summary?: string;
  start_date?: string;
  submission_date?: string;
}

type Sdk = {
  core: (s: StackOneSettings, timeoutMs: number) => StackOneCore;
  patchResult: typeof import('@stackone/stackone-client-ts/funcs/atsUpdateAssessmentsResult.js').atsUpdateAssessmentsResult;
  listPackages: typeof import('@stackone/stackone-client-ts/funcs/atsListAssessmentsPackages.js').atsListAssessmentsPackages;
};

let loaded: Promise<Sdk> | null = null;

/**
 * The SDK, loaded on first use: its models cover StackOne's whole unified API (over 100 MB of heap once loaded,
 * even for one function), which a server without a StackOne connection should not carry.
 */
function sdk(): Promise<Sdk> {
  loaded ??= Promise.all([
    import('@stackone/stackone-client-ts/core.js'),
    import('@stackone/stackone-client-ts/lib/http.js'),
    import('@stackone/stackone-client-ts/funcs/atsUpdateAssessmentsResult.js'),
    import('@stackone/stackone-client-ts/funcs/atsListAssessmentsPackages.js'),
  ]).then(([{ StackOneCore }, { HTTPClient }, { atsUpdateAssessmentsResult }, { atsListAssessmentsPackages }]) => ({
    core: (s, timeoutMs) =>
      new StackOneCore({
        security: { username: s.apiKey, password: '' },
        serverURL: s.baseUrl,
        httpClient: new HTTPClient({ fetcher: vendorFetch({ timeoutMs }) }),
        retryConfig: { strategy: 'none' },
      }),
    patchResult: atsUpdateAssessmentsResult,
    listPackages: atsListAssessmentsPackages,
  }));
  return loaded;
}

function needsCredentials(s: StackOneSettings): void {
  if (!s.apiKey || !s.accountId) throw new PermanentError('the StackOne connection has no api_key or account_id; set them and replay the job');
}

/**
 * "Update Assessments Result" (§2.2, §2.3). A 2xx is a written result even when its body is not the documented
 * `{ statusCode, message, timestamp }`: the PATCH is done, and dead-lettering it would tell the recruiter otherwise.
 */
export async function updateResult(s: StackOneSettings, recordId: string, body: UpdateResultBody): Promise<void> {
  needsCredentials(s);
  const id = sdkPathId(recordId);
  const { core, patchResult } = await sdk();
  const res = await patchResult(core(s, 15_000), {
    id,
    xAccountId: s.accountId,
    atsUpdateCandidatesAssessmentsResultsRequestDto: {
      resultUrl: body.result_url,
      score: body.score,
      // Our values are the SDK enum's wire strings (§2.3); its TypeScript enum type is nominal.
      result: { value: body.result.value as SdkResultValue, ...(body.result.source_value === undefined ? {} : { sourceValue: body.result.source_value }) },
      summary: body.summary,
      startDate: body.start_date === undefined ? undefined : new Date(body.start_date),
      submissionDate: body.submission_date === undefined ? undefined : new Date(body.submission_date),
    },
  });
  if (res.ok) return;
  const e = res.error as { name?: string; statusCode?: unknown };
  if (e.name === 'ResponseValidationError' && typeof e.statusCode === 'number' && e.statusCode >= 200 && e.statusCode <= 299) return;
  throw failureForSdk(res.error, 'StackOne update result');
}

/**
 * What one "List Assessments Packages" call says about the API key and linked account: the answer's status (null
 * when nothing answered), whether the SDK read it as the documented page, and a sentence (StackOne's message).
 */
export interface ProbeAnswer {
  status: number | null;
  ok: boolean;
  message: string;
}

/** GET /unified/ats/assessments/packages?page_size=1 with our key and account, for `connections:check`. */
export async function probePackages(s: StackOneSettings, timeoutMs = 8_000): Promise<ProbeAnswer> {
  const { core, listPackages } = await sdk();
  const res = await listPackages(core(s, timeoutMs), { xAccountId: s.accountId, pageSize: '1' });
  if (res.ok) return { status: res.value.statusCode, ok: true, message: '' };
  const e = res.error as { statusCode?: unknown; body?: unknown };
  const message = failureForSdk(res.error, 'StackOne list packages').message;
  if (typeof e.statusCode !== 'number') return { status: null, ok: false, message };
  return { status: e.statusCode, ok: false, message: typeof e.body === 'string' && e.body ? e.body.slice(0, 200) : message };
}
