// What an ATS sees of the account's assessments (dashboard Jobs): every active package, and every published
// assessment as a package of its own, id `asm_…`, named "<job> — <package>". The package lists pushed to
// Kombo and answered to StackOne, Greenhouse and Recruitee all come from orderablePackages(); an order for an
// `asm_…` id is resolved by resolveOrderable() in placeOrder to the assessment's package and defaults.
import type { AssessmentRow, PackageRow, ReadRepos } from '../store/types.ts';

export const ASSESSMENT_PREFIX = 'asm_';
export const isAssessmentId = (id: string) => id.startsWith(ASSESSMENT_PREFIX);

/** The name an ATS shows for a published assessment. */
export const assessmentName = (a: Pick<AssessmentRow, 'job_name'>, pkg: Pick<PackageRow, 'name'>) => `${a.job_name} — ${pkg.name}`;

/** Active packages, then published assessments of active packages (as packages named "<job> — <package>"). */
export async function orderablePackages(repos: Pick<ReadRepos, 'packages' | 'assessments'>, accountId: string): Promise<PackageRow[]> {
  const [packages, published] = await Promise.all([repos.packages.list(accountId, { activeOnly: true }), repos.assessments.list(accountId, { status: 'published' })]);
  const byId = new Map(packages.map((p) => [p.id, p]));
  const asPackages = published.flatMap((a) => {
    const pkg = byId.get(a.package_id);
    return pkg ? [{ ...pkg, id: a.id, name: assessmentName(a, pkg), description: pkg.description || pkg.name }] : [];
  });
  return [...packages, ...asPackages];
}

export type Orderable =
  | { kind: 'package'; packageId: string }
  | { kind: 'assessment'; assessment: AssessmentRow; packageId: string }
  | { kind: 'unknown' }
  | { kind: 'unpublished'; assessment: AssessmentRow; name: string };

/** What an ordered id stands for: a package as it is, or a published assessment's package and defaults. */
export async function resolveOrderable(tx: Pick<ReadRepos, 'packages' | 'assessments'>, accountId: string, id: string): Promise<Orderable> {
  if (!isAssessmentId(id)) return { kind: 'package', packageId: id };
  const a = await tx.assessments.get(accountId, id);
  if (!a) return { kind: 'unknown' };
  if (a.status !== 'published') {
    const pkg = await tx.packages.get(accountId, a.package_id);
    return { kind: 'unpublished', assessment: a, name: pkg ? assessmentName(a, pkg) : a.job_name };
  }
  return { kind: 'assessment', assessment: a, packageId: a.package_id };
}
