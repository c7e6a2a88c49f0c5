import type { Services } from '../services.ts';
import { eraseCandidate } from './erase-candidate.ts';

/**
 * Erases the personal data of candidates whose last order activity is older than the account's
 * `retention_days` (scores stay, anonymised). Safe to run in every instance: erasure is idempotent.
 */
export async function sweepRetention(svc: Services, now = new Date(), batch = 100): Promise<number> {
  let erased = 0;
  for (const account of await svc.store.accounts.list()) {
    const days = account.settings.retention_days;
    if (!days || days <= 0) continue;
    const before = new Date(now.getTime() - days * 86_400_000).toISOString();
    for (const cand of await svc.store.candidates.listRetentionDue(account.id, before, batch)) {
      const r = await eraseCandidate(svc, account.id, cand.id, { actor: 'retention', now });
      if (r.erasedNow) erased++;
    }
  }
  return erased;
}
