// Erasure of one candidate's personal data (right to erasure; an ATS deleting or anonymising a candidate).
// Everything in the store changes in ONE transaction; the stored e-mails are deleted after it commits
// (files are not part of the transaction). Scores stay, linked to the anonymised candidate row.
import { actor as actors, finaliseCancel, transition } from '../orders/transition.ts';
import type { Services } from '../services.ts';
import type { OrderRow, Repos } from '../store/types.ts';

/**
 * Kinds of synced ATS objects that may hold a candidate's personal data, keyed by the candidate's
 * external id in the ATS. A connector that syncs people under another kind adds it here.
 */
export const PERSONAL_OBJECT_KINDS: readonly string[] = ['candidate'];
/** Kinds of synced ATS objects keyed by an application id that describe one person's application. */
export const APPLICATION_OBJECT_KINDS: readonly string[] = ['application'];

export interface ErasureResult {
  /** false when there is no such candidate in this account. */
  found: boolean;
  /** false when the candidate had been erased before (the call is idempotent). */
  erasedNow: boolean;
  orderIds: string[];
  /** Open orders cancelled because nobody is left to take them. */
  cancelledOrderIds: string[];
  mailsDeleted: number;
}

export interface ErasureOptions {
  /** Who asked, for the audit log (e.g. `cli`, `greenhouse:delete_candidate`). Never personal data. */
  actor?: string;
  now?: Date;
}

/**
 * The store part of an erasure, for callers that already hold a transaction (a webhook that must
 * record its delivery and erase together). Call `eraseMailsOf(svc, orderIds)` after the commit.
 */
export async function eraseCandidateInTx(tx: Repos, accountId: string, candidateId: string, opts: ErasureOptions = {}): Promise<Omit<ErasureResult, 'mailsDeleted'>> {
  const now = (opts.now ?? new Date()).toISOString();
  const cand = await tx.candidates.get(accountId, candidateId);
  if (!cand) return { found: false, erasedNow: false, orderIds: [], cancelledOrderIds: [] };
  const orders = await tx.orders.listByCandidate(accountId, candidateId);
  const cancelled: string[] = [];
  for (const o of orders) {
    await tx.attempts.eraseAnswers(o.id);
    // Queued jobs lose their payloads and their last_error (an SMTP refusal quotes the address).
    await tx.outbox.erasePayloads(o.id);
    let toldAts = false;
    if (o.status === 'pending' || o.status === 'in_progress') {
      // Nobody can be invited or finish any more: cancelled through the lifecycle (the link dies, the ATS is
      // told). The ATS ids the write-back needs are forgotten once it has settled (forgetAfterWriteBack).
      await transition(tx, o, 'cancelled', { reason: "The candidate's personal data was erased.", actor: opts.actor ?? actors.system('erasure'), details: { erasure: true }, now: opts.now });
      cancelled.push(o.id);
      toldAts = true;
    } else if (o.status === 'cancelled' && (o.meta as { undoable?: boolean; cancelled_at?: string }).undoable) {
      // A recruiter's cancel still in its undo window: its delayed job lost its payload above, so it is made
      // final now (the link dies, the ATS is told), as it would have been when the window passed.
      toldAts = await finaliseCancel(tx, accountId, o.id, String((o.meta as { cancelled_at?: string }).cancelled_at));
    }
    if (!toldAts || !o.connection_id) await forgetPersonLinks(tx, o);
  }
  const erasedNow = cand.erased_at === null;
  if (erasedNow) {
    const applicationIds = [...new Set(orders.map((o) => o.application_id).filter((id): id is string => !!id))];
    // Synced copies of the person and their applications in the ATS connections of the same source (the ids
    // are gone after erase() and forgetPersonLinks()).
    for (const conn of await tx.connections.listByAccount(accountId)) {
      if (conn.provider !== cand.source) continue;
      for (const kind of PERSONAL_OBJECT_KINDS) await tx.connectorState.deleteObject(conn.id, kind, cand.external_id);
      for (const kind of APPLICATION_OBJECT_KINDS) for (const id of applicationIds) await tx.connectorState.deleteObject(conn.id, kind, id);
    }
    // Finished jobs that belong to no order (a webhook's follow-up job) may still name the person's ATS ids.
    await tx.outbox.erasePayloadsMentioning(accountId, [cand.external_id, ...applicationIds]);
    await tx.candidates.erase(accountId, candidateId);
  }
  await tx.audit.add({
    account_id: accountId,
    actor: opts.actor ?? 'system',
    action: 'candidate.erased',
    target: candidateId,
    details: { orders: orders.length, cancelled: cancelled.length, already_erased: !erasedNow, at: now },
  });
  return { found: true, erasedNow, orderIds: orders.map((o) => o.id), cancelledOrderIds: cancelled };
}

/**
 * Removes every identifier that links a kept score to the person: the ATS application/candidate id
 * (application_id; Recruitee's is the candidate id), the vendor's order id (Greenhouse's embeds the
 * application id), and the connector meta (StackOne's candidate_profile_url, Recruitee's candidate id,
 * Greenhouse's URLs). The order keeps its id, package, status, times and result.
 */
export async function forgetPersonLinks(tx: Repos, o: OrderRow): Promise<void> {
  await tx.orders.update(o.account_id, o.id, { application_id: null, source_order_id: `erased:${o.id}`, meta: { erased: true } });
  await tx.outbox.erasePayloads(o.id);
}

/**
 * After the write-back of an erased candidate's order has settled (written or dead), its ATS ids go too.
 * Called by the outbox's write-back job, in the transaction that records how the write-back ended.
 */
export async function forgetAfterWriteBack(tx: Repos, o: OrderRow): Promise<void> {
  if ((o.meta as { erased?: boolean }).erased) return;
  const cand = await tx.candidates.get(o.account_id, o.candidate_id);
  if (cand?.erased_at) await forgetPersonLinks(tx, o);
}

/** Deletes the stored copies (.eml files) of every e-mail sent about these orders. */
export function eraseMailsOf(svc: Services, orderIds: readonly string[]): number {
  let n = 0;
  for (const id of orderIds) n += svc.mailer.eraseTagged(id);
  return n;
}

/**
 * Erases a candidate's personal data: the candidate row (name, e-mail, locale, ATS id), the answers of
 * their orders, the payloads of their queued jobs and the synced ATS objects that describe them, in
 * one transaction; then the stored e-mails of their orders. Results (scores) are kept, anonymised.
 */
export async function eraseCandidate(svc: Services, accountId: string, candidateId: string, opts: ErasureOptions = {}): Promise<ErasureResult> {
  const r = await svc.store.transaction((tx) => eraseCandidateInTx(tx, accountId, candidateId, opts));
  const mailsDeleted = eraseMailsOf(svc, r.orderIds);
  return { ...r, mailsDeleted };
}
