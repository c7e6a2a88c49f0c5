// Posting ↔ package mapping: the admin view and the CLI list the account's postings with their mapping;
// mapping a package adds our tag to the posting and keeps every other tag (Lever replaces the whole array).
import { ApiError } from '../../errors.ts';
import { PermanentError, RetryableError } from '../../http/client.ts';
import type { Services } from '../../services.ts';
import type { AssessmentRow, ConnectionRow, PackageRow } from '../../store/types.ts';
import { isAssessmentId, orderablePackages } from '../../orders/assessments.ts';
import { LeverClient, performAsUser } from './client.ts';
import { postingTag } from './settings.ts';
import type { LeverPostingView } from '../../../shared/api.ts';

export const MAPPING_KIND = 'posting';

export interface LeverPosting {
  id: string;
  text: string;
  state: string;
  tags: string[];
  categories?: { team?: string | null; location?: string | null };
  urls?: { show?: string };
}

/** A Lever failure seen by a person (admin view, CLI): 502 with the reason, never a 500. */
function unavailable(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof RetryableError || err instanceof PermanentError) return new ApiError(502, 'lever_unavailable', `Lever did not complete the request: ${err.message}`);
  return new ApiError(502, 'lever_unavailable', 'Lever did not complete the request.');
}

export function requireActive(connection: ConnectionRow): void {
  if (connection.status === 'pending') throw new ApiError(409, 'connection_pending', 'This Lever connection is not authorized yet; finish the consent in Lever first (assay lever:authorize).');
  if (connection.status === 'revoked') throw new ApiError(409, 'connection_revoked', 'This Lever connection was revoked.');
}

function view(p: LeverPosting, mapping: { package_id: string } | null, packages: Map<string, PackageRow>): LeverPostingView {
  const pkg = mapping ? packages.get(mapping.package_id) : undefined;
  return {
    id: p.id,
    text: p.text,
    state: p.state,
    team: p.categories?.team ?? null,
    location: p.categories?.location ?? null,
    url: p.urls?.show ?? null,
    tags: Array.isArray(p.tags) ? p.tags : [],
    mapping: mapping ? { package_id: mapping.package_id, package_name: pkg?.name ?? null, package_active: !!pkg?.active } : null,
  };
}

/** The connection's postings from Lever, each with its mapped package. */
export async function listPostings(svc: Services, connection: ConnectionRow, opts: { state?: string } = {}): Promise<LeverPostingView[]> {
  requireActive(connection);
  let postings: LeverPosting[];
  try {
    postings = await new LeverClient(svc, connection).list<LeverPosting>('/postings', { state: opts.state });
  } catch (err) {
    throw unavailable(err);
  }
  const [mappings, packages] = await Promise.all([svc.store.mappings.list(connection.id, MAPPING_KIND), svc.store.packages.list(connection.account_id)]);
  const byPosting = new Map(mappings.map((m) => [m.external_id, m]));
  const pkgs = new Map(packages.map((p) => [p.id, p]));
  return postings.map((p) => view(p, byPosting.get(p.id) ?? null, pkgs));
}

/**
 * Maps a posting to a package (or unmaps it with null): the posting's tags become its current tags minus
 * our tag for the previous package plus ours for the new one; then the mapping is stored.
 */
export async function mapPosting(svc: Services, connection: ConnectionRow, postingId: string, packageId: string | null, actor: string): Promise<LeverPostingView> {
  requireActive(connection);
  let pkg: PackageRow | null = null;
  if (packageId !== null) {
    // A published assessment (asm_…, dashboard Jobs) maps like a package; an order for it gets its defaults.
    pkg = isAssessmentId(packageId)
      ? ((await orderablePackages(svc.store, connection.account_id)).find((p) => p.id === packageId) ?? null)
      : await svc.store.packages.get(connection.account_id, packageId);
    if (!pkg && isAssessmentId(packageId)) throw new ApiError(422, 'assessment_unpublished', `The assessment "${packageId}" is not published; publish it first.`);
    if (!pkg) throw new ApiError(422, 'package_unknown', `The package "${packageId}" does not exist for this company.`);
    if (!pkg.active) throw new ApiError(422, 'package_inactive', `The package "${pkg.name}" is no longer active; pick an active one.`);
  }
  const previous = await svc.store.mappings.get(connection.id, MAPPING_KIND, postingId);
  const client = new LeverClient(svc, connection);
  let posting: LeverPosting;
  try {
    const got = await client.request<{ data: LeverPosting }>('GET', `/postings/${encodeURIComponent(postingId)}`, { accept: [404] });
    if (got.status === 404 || !got.body?.data) throw new ApiError(404, 'posting_unknown', `Lever has no posting "${postingId}" in this account.`);
    posting = got.body.data;
    const current = Array.isArray(posting.tags) ? posting.tags : [];
    const ours = pkg ? postingTag(pkg.id) : null;
    const stale = previous && previous.package_id !== pkg?.id ? postingTag(previous.package_id) : null;
    const next = current.filter((t) => t !== stale);
    if (ours && !next.includes(ours)) next.push(ours);
    if (next.length !== current.length || next.some((t, i) => t !== current[i])) {
      const user = await performAsUser(client);
      const res = await client.request<{ data: LeverPosting }>('POST', `/postings/${encodeURIComponent(postingId)}`, { query: { perform_as: user }, body: { tags: next } });
      posting = res.body?.data ?? { ...posting, tags: next };
    }
  } catch (err) {
    throw unavailable(err);
  }
  await svc.store.transaction(async (tx) => {
    if (pkg) await tx.mappings.set({ connection_id: connection.id, kind: MAPPING_KIND, external_id: postingId, package_id: pkg.id });
    else await tx.mappings.delete(connection.id, MAPPING_KIND, postingId);
    await tx.connectorState.upsertObject(connection.id, MAPPING_KIND, postingId, { text: posting.text, state: posting.state });
    await tx.audit.add({ account_id: connection.account_id, actor, action: pkg ? 'lever.posting_mapped' : 'lever.posting_unmapped', target: postingId, details: { connection_id: connection.id, package_id: pkg?.id ?? null } });
  });
  return view(posting, pkg ? { package_id: pkg.id } : null, new Map(pkg ? [[pkg.id, pkg]] : []));
}

/**
 * Connector.onAssessmentPublished: a published assessment's posting gets its tag (the same as `assay lever:map`);
 * unpublished, the tag goes if the posting is still mapped to it.
 */
export async function onAssessmentPublished(svc: Services, connection: ConnectionRow, a: AssessmentRow, published: boolean, actor: string): Promise<void> {
  if (!a.job_id) return;
  const mapped = await svc.store.mappings.get(connection.id, MAPPING_KIND, a.job_id);
  if (published) await mapPosting(svc, connection, a.job_id, a.id, actor);
  else if (mapped?.package_id === a.id) await mapPosting(svc, connection, a.job_id, null, actor);
}
