// Greenhouse Recruiting webhooks (contracts/ats-native.md §1.2): `Signature: sha256 <hex HMAC of the raw
// body>` checked on the bytes as received (Greenhouse signs its \u-escaped JSON: re-serialising breaks it),
// de-duplicated on what the signature covers (a hash of the signed body, and the event's content; never the
// unsigned Greenhouse-Event-ID header, which a replayer can change at will), stored and acted on in one
// transaction, answered with exactly 200 (anything else makes Greenhouse retry for 15 hours).
import { eraseCandidateInTx, eraseMailsOf } from '../../candidates/erase-candidate.ts';
import { placeOrder } from '../../orders/place-order.ts';
import type { Services } from '../../services.ts';
import type { ConnectionRow, InboxRow, Json, Repos } from '../../store/types.ts';
import type { WebhookHandled, WebhookReceiver, WebhookRequest, WebhookResponse, WebhookVerdict } from '../types.ts';
import { headerSignatureVerdict, recordDelivery, refuseWebhook, WebhookRefusal, webhookJson } from '../shared.ts';
import {
  applicationObject, arr, dropStages, idOf, isObj, jobObject, KIND, obj, outcomeOfStatus, pickEmail, recordOutcome, replaceJobStages,
  STAGE_MAPPING, stageObject, strOf, trackCandidate, type Outcome, type StageObject,
} from './client.ts';
import { PROVIDER, settingsOf } from './settings.ts';

const OK: WebhookResponse = { status: 200, body: { ok: true } };

const APPLICATION_ACTIONS = new Set([
  'new_candidate_application', 'new_prospect_application', 'application_updated', 'candidate_stage_change',
  'hire_candidate', 'unhire_candidate', 'reject_candidate', 'unreject_candidate',
]);

/** A signed event whose shape we cannot act on: refused before anything is stored. */
class InvalidPayload extends Error {}

/** `Signature: sha256 <hex HMAC-SHA256 of the raw body>`; the key is the signed bytes' hash, never the unsigned Greenhouse-Event-ID. */
function verify(svc: Services, connection: ConnectionRow, req: WebhookRequest): WebhookVerdict {
  // UNCONFIRMED: whether Greenhouse signs the ping it sends when a webhook is saved; a failed ping disables the
  // webhook, and answering it changes nothing, so a ping gets its 200, signed or not. Its shape is not documented
  // either; it needs no storing, only a 200 so the webhook stays enabled.
  if (isPing(req.text)) return { ping: OK };
  // The signature covers the body only: the same signed bytes under a new Greenhouse-Event-ID are a replay.
  const refusal = 'The Signature header is not "sha256 <hex HMAC-SHA256 of the raw body>" with this connection\'s secret.';
  return headerSignatureVerdict(req, {
    header: 'signature',
    secret: settingsOf(svc, connection).webhookSecret,
    encodings: ['hex'],
    signature: (value) => /^sha256\s+([0-9a-fA-F]{64})$/.exec(value.trim())?.[1]?.toLowerCase(),
    noSecret: 'This connection has no webhook_secret, so no signature can match; set the one you gave Greenhouse.',
    missing: refusal,
    mismatch: refusal,
  });
}

async function handle(svc: Services, tx: Repos, connection: ConnectionRow, req: WebhookRequest, inboxId: string): Promise<WebhookHandled> {
  const event = webhookJson(req.text);
  const shape = 'The body must be { "action": "<event>", "payload": { … } }.';
  if (!isObj(event) || typeof event.action !== 'string' || !/^[a-z_]{1,80}$/.test(event.action)) throw refuseWebhook(400, 'invalid_payload', shape);
  const action = event.action;
  if (!isObj(event.payload)) throw refuseWebhook(400, 'invalid_payload', shape);
  const payload = event.payload;

  if (APPLICATION_ACTIONS.has(action)) {
    // [I] the event id may change across retries, and the bytes with it: also de-duplicate on what the event says
    const a = obj(payload.application);
    const at = strOf(a.last_activity_at, 40);
    if (at) {
      const r = await recordDelivery(tx, PROVIDER, connection.id, `key:${action}:${idOf(a.id)}:${idOf(obj(a.current_stage).id)}:${at}`);
      // The same event in other bytes: answered as a duplicate, and nothing (not even this delivery) is stored.
      if (r.duplicate) throw new WebhookRefusal({ status: 200, body: { ok: true, duplicate: true } });
      const h = await act(svc, tx, connection, action, payload);
      await tx.inbox.finish(r.row.id, h.status, { action, same_as: inboxId });
      return h;
    }
  }
  return act(svc, tx, connection, action, payload);
}

async function act(svc: Services, tx: Repos, connection: ConnectionRow, action: string, payload: Record<string, unknown>): Promise<WebhookHandled> {
  let h: Handled;
  try {
    h = await handleEvent(svc, tx, connection, action, payload);
  } catch (e) {
    if (e instanceof InvalidPayload) throw refuseWebhook(422, 'invalid_payload', e.message);
    throw e;
  }
  const erase = h.eraseMailsOf ?? [];
  return { status: h.status, result: h.result, response: OK, ...(erase.length ? { afterCommit: () => eraseMailsOf(svc, erase) } : {}) };
}

function isPing(text: string): boolean {
  try {
    const v = JSON.parse(text) as unknown;
    return isObj(v) && v.action === 'ping';
  } catch {
    return false;
  }
}

interface Handled {
  status: InboxRow['status'];
  /** What we did, by ids only (no personal data): stored on the inbox row. */
  result: Json;
  /** Orders whose stored e-mails must go once the transaction has committed. */
  eraseMailsOf?: string[];
}

export const greenhouseWebhook: WebhookReceiver = { verify, handle };

async function handleEvent(svc: Services, tx: Repos, connection: ConnectionRow, action: string, payload: Record<string, unknown>): Promise<Handled> {
  const accountId = connection.account_id;
  const need = (v: string | null, what: string): string => {
    if (!v) throw new InvalidPayload(`${action} needs ${what}.`);
    return v;
  };

  if (APPLICATION_ACTIONS.has(action)) {
    const a = obj(payload.application);
    const candidate = obj(a.candidate);
    const appId = need(idOf(a.id), 'payload.application.id');
    const candId = idOf(candidate.id) ?? idOf(a.candidate_id);
    const app = applicationObject(a, candId);
    if (app) await tx.connectorState.upsertObject(connection.id, KIND.application, app.id, app);
    const eventAt = strOf(a.last_activity_at, 40) ?? new Date().toISOString();
    const base = { action, application_id: appId, candidate_id: candId };

    if (action === 'candidate_stage_change') {
      const stageId = idOf(obj(a.current_stage).id);
      const mapping = stageId ? await tx.mappings.get(connection.id, STAGE_MAPPING, stageId) : null;
      if (!mapping) return { status: 'processed', result: { ...base, stage_id: stageId, ordered: false } };
      const account = await tx.accounts.get(accountId);
      if (!account) return { status: 'ignored', result: { ...base, stage_id: stageId, reason: 'account missing' } };
      const job = obj(arr(a.jobs)[0]);
      const r = await placeOrder(tx, svc.box, {
        account,
        source: PROVIDER,
        sourceOrderId: `stage:${appId}:${stageId}:${eventAt}`,
        connectionId: connection.id,
        packageId: mapping.package_id,
        candidate: {
          externalId: need(candId, 'payload.application.candidate.id'),
          email: pickEmail(candidate.email_addresses),
          firstName: strOf(candidate.first_name, 200),
          lastName: strOf(candidate.last_name, 200),
          locale: null,
        },
        applicationId: appId,
        job: { id: idOf(job.id), name: strOf(job.name) },
        createdBy: 'greenhouse:stage_change',
        meta: { greenhouse: { urls: [], partner_test_id: mapping.package_id, stage_id: stageId } },
      });
      if (r.kind === 'refused') return { status: 'processed', result: { ...base, stage_id: stageId, ordered: false, refused: r.refusal.code } };
      await trackCandidate(tx, connection.id, candId!);
      return { status: 'processed', result: { ...base, stage_id: stageId, ordered: r.kind === 'created', order_id: r.order.id } };
    }

    const outcomes: Record<string, Outcome> = { hire_candidate: 'hired', reject_candidate: 'rejected', unhire_candidate: null, unreject_candidate: null };
    if (action in outcomes) {
      const outcome = outcomes[action]!;
      const at = outcome === 'rejected' ? (strOf(a.rejected_at, 40) ?? eventAt) : outcome === 'hired' ? (strOf(obj(a.offer).resolved_at, 40) ?? eventAt) : null;
      const changed = candId ? await recordOutcome(tx, connection, candId, appId, outcome, at, eventAt) : [];
      return { status: 'processed', result: { ...base, outcome, orders: changed } };
    }

    // Reconcile the outcome carried by any application event (e.g. application_updated after a hire).
    const outcome = outcomeOfStatus(app?.status ?? null);
    const changed = candId && app?.status ? await recordOutcome(tx, connection, candId, appId, outcome, outcome === 'rejected' ? (app.rejected_at ?? eventAt) : eventAt, eventAt) : [];
    return { status: 'processed', result: { ...base, ...(changed.length ? { orders: changed } : {}) } };
  }

  switch (action) {
    case 'update_candidate': {
      // _candidate_events.md §Candidate/Prospect updated: `payload.candidate` only, no application.
      // The ATS is the source of truth for contact data: refresh it if we know this person.
      const candidate = obj(payload.candidate);
      const candId = need(idOf(candidate.id), 'payload.candidate.id');
      const row = await tx.candidates.findByExternal(accountId, PROVIDER, candId);
      const email = pickEmail(candidate.email_addresses);
      const refreshed = !!(row && !row.erased_at && email);
      if (refreshed) {
        await tx.candidates.upsert({ account_id: accountId, source: PROVIDER, external_id: candId, email, first_name: strOf(candidate.first_name, 200), last_name: strOf(candidate.last_name, 200), locale: null });
      }
      return { status: 'processed', result: { action, candidate_id: candId, refreshed } };
    }
    case 'candidate_anonymized': {
      // _candidate_events.md §Candidate anonymized: `{candidate_id, anonymized_fields}`, no person object.
      // Whatever fields Greenhouse anonymised, we keep no copy of the person: erase ours.
      const candId = need(idOf(payload.candidate_id), 'payload.candidate_id');
      const r = await eraseGhCandidate(tx, connection, candId, action);
      return { status: 'processed', result: { action, candidate_id: candId, erased: r.found, orders: r.orderIds.length }, eraseMailsOf: r.orderIds };
    }
    case 'delete_candidate': {
      const person = obj(payload.person);
      const candId = need(idOf(person.id), 'payload.person.id');
      const r = await eraseGhCandidate(tx, connection, candId, action);
      for (const appId of arr(person.deleted_application_ids).map(idOf)) if (appId) await tx.connectorState.deleteObject(connection.id, KIND.application, appId);
      return { status: 'processed', result: { action, candidate_id: candId, erased: r.found, orders: r.orderIds.length }, eraseMailsOf: r.orderIds };
    }
    case 'delete_application': {
      const a = obj(payload.application);
      const appId = need(idOf(a.id), 'payload.application.id');
      const candId = idOf(a.candidate_id) ?? idOf(obj(a.candidate).id);
      await tx.connectorState.deleteObject(connection.id, KIND.application, appId);
      if (!candId) return { status: 'processed', result: { action, application_id: appId, erased: false } };
      const r = await eraseGhCandidate(tx, connection, candId, action);
      return { status: 'processed', result: { action, application_id: appId, candidate_id: candId, erased: r.found, orders: r.orderIds.length }, eraseMailsOf: r.orderIds };
    }
    case 'merge_candidate': {
      const person = obj(payload.person);
      const from = need(idOf(person.id), 'payload.person.id');
      const to = need(idOf(person.new_candidate_id), 'payload.person.new_candidate_id');
      const moved = await mergeCandidates(tx, connection, from, to);
      return { status: 'processed', result: { action, candidate_id: from, new_candidate_id: to, orders: moved } };
    }
    case 'job_created':
    case 'job_updated':
    case 'job_approved': {
      const j = obj(payload.job);
      const job = jobObject(j);
      if (!job) throw new InvalidPayload(`${action} needs payload.job.id.`);
      await tx.connectorState.upsertObject(connection.id, KIND.job, job.id, job);
      // UNCONFIRMED: whether job webhooks carry the interview stages; when they do not, Harvest is asked
      if (Array.isArray(j.stages)) {
        const stages = j.stages.map((s) => stageObject(obj(s), job.id)).filter((s): s is StageObject => !!s);
        const unmapped = await replaceJobStages(tx, connection.id, job.id, stages);
        return { status: 'processed', result: { action, job_id: job.id, stages: stages.length, unmapped } };
      }
      if (settingsOf(svc, connection).harvestApiKey) {
        await tx.outbox.enqueue({ account_id: accountId, kind: 'greenhouse.job_stages', connection_id: connection.id, payload: { job_id: job.id }, idempotency_key: `gh-stages:${connection.id}:${job.id}:${job.updated_at ?? Date.now()}` });
      }
      return { status: 'processed', result: { action, job_id: job.id } };
    }
    case 'job_deleted': {
      const jobId = need(idOf(obj(payload.job).id), 'payload.job.id');
      await tx.connectorState.deleteObject(connection.id, KIND.job, jobId);
      const unmapped = await dropStages(tx, connection.id, (s) => s.job_id === jobId);
      return { status: 'processed', result: { action, job_id: jobId, unmapped } };
    }
    case 'job_interview_stage_deleted': {
      const s = obj(payload.job_interview_stage ?? payload.stage);
      const stageId = need(idOf(s.id), 'payload.job_interview_stage.id');
      await tx.connectorState.deleteObject(connection.id, KIND.stage, stageId);
      const unmapped = await tx.mappings.delete(connection.id, STAGE_MAPPING, stageId);
      return { status: 'processed', result: { action, stage_id: stageId, unmapped } };
    }
    default: {
      // Job posts, offers, offices, departments, interviews, scorecards and anything new: recorded by ids.
      const ids: Json = {};
      for (const [k, v] of Object.entries(payload)) {
        const id = idOf(obj(v).id);
        if (id) ids[`${k}_id`.slice(0, 60)] = id;
        if (Object.keys(ids).length >= 10) break;
      }
      return { status: 'processed', result: { action, ...ids } };
    }
  }
}

async function eraseGhCandidate(tx: Repos, connection: ConnectionRow, candidateExternalId: string, action: string) {
  const row = await tx.candidates.findByExternal(connection.account_id, PROVIDER, candidateExternalId);
  // Nothing of ours yet: still forget the (id-only) synced object so a later sync does not fetch them.
  await tx.connectorState.deleteObject(connection.id, KIND.candidate, candidateExternalId);
  if (!row) return { found: false, orderIds: [] as string[] };
  const r = await eraseCandidateInTx(tx, connection.account_id, row.id, { actor: `greenhouse:${action}` });
  return { found: true, orderIds: r.orderIds };
}

/** Greenhouse merged `from` into `to`: their orders now belong to `to`; `from` keeps no personal data. */
async function mergeCandidates(tx: Repos, connection: ConnectionRow, from: string, to: string): Promise<string[]> {
  const accountId = connection.account_id;
  const old = await tx.candidates.findByExternal(accountId, PROVIDER, from);
  if (!old) return [];
  let target = await tx.candidates.findByExternal(accountId, PROVIDER, to);
  if (!target) {
    target = await tx.candidates.upsert({ account_id: accountId, source: PROVIDER, external_id: to, email: old.email, first_name: old.first_name, last_name: old.last_name, locale: old.locale });
  }
  const moved: string[] = [];
  for (const o of await tx.orders.listByCandidate(accountId, old.id)) {
    await tx.orders.update(accountId, o.id, { candidate_id: target.id });
    moved.push(o.id);
  }
  await tx.candidates.erase(accountId, old.id);
  await tx.connectorState.deleteObject(connection.id, KIND.candidate, from);
  if (moved.length) await trackCandidate(tx, connection.id, to);
  await tx.audit.add({ account_id: accountId, actor: 'greenhouse:merge_candidate', action: 'candidate.merged', target: target.id, details: { from: old.id, orders: moved.length } });
  return moved;
}
