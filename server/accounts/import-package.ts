import { packageDurationMinutes, type PackageContent } from '../../shared/content/schema.ts';
import type { Services } from '../services.ts';
import type { Repos } from '../store/types.ts';

/** Loads or updates a package for an account; connectors that mirror the package list are told after commit. */
export async function importPackage(tx: Repos, accountId: string, content: PackageContent): Promise<{ created: boolean; version: number }> {
  return tx.packages.upsert({
    account_id: accountId,
    id: content.id,
    name: content.name,
    description: content.description,
    type: content.type,
    duration_minutes: packageDurationMinutes(content),
    active: true,
    version: content.version,
    content: content as unknown as Record<string, unknown>,
  });
}

/** After packages change, every connector that mirrors them (e.g. Kombo's package list) is told. */
export async function packagesChanged(svc: Services, accountId: string): Promise<void> {
  for (const c of Object.values(svc.connectors)) {
    if (!c.onPackagesChanged) continue;
    try {
      await c.onPackagesChanged(svc, accountId);
    } catch (err) {
      svc.log.warn('package change hook failed', { provider: c.provider, account: accountId, error: (err as Error).message });
    }
  }
}
