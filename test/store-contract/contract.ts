// The store's contract: every method of every repo, as routes, connectors and the outbox rely on it.
// The same suite runs against SQLite (sqlite.test.ts) and PostgreSQL (postgres.test.ts); a store that
// passes here can replace the other with no line changing above the interface. Every test gets a fresh,
// empty store, so global queries (due jobs, lapsed orders) see only what the test made.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../server/ids.ts';
import { toOrderJson } from '../../server/orders/order-json.ts';
import type { NewOrder, OrderRow, Repos, Store } from '../../server/store/types.ts';

export interface StoreFactory {
  name: 'sqlite' | 'postgres';
  /** A new, empty, migrated store. */
  open(): Promise<Store>;
}

/** Repo name → method names, read off a live store (so methods added to the interface are seen). */
export function repoMethods(store: Store): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, repo] of Object.entries(store as unknown as Record<string, unknown>)) {
    if (!repo || typeof repo !== 'object') continue;
    const fns = Object.entries(repo as Record<string, unknown>).filter(([, f]) => typeof f === 'function');
    if (fns.length && fns.length === Object.keys(repo as object).length) out[name] = fns.map(([m]) => m).sort();
  }
  return out;
}

/**
 * A store as the contract drives it: every repo method callable directly, writes included. Code above the
 * interface sees only `Store` (reads outside a unit of work); the contract checks each write method on its own
 * as well as inside `transaction`, and both stores still answer a direct call (one statement, autocommit).
 */
type DirectStore = Store & Repos;

/** Wraps a store so that every repo call (direct or inside a transaction) is counted as `repo.method`. */
function recording(store: Store, seen: Set<string>): DirectStore {
  const wrapRepos = (repos: Repos): Repos =>
    new Proxy(repos, {
      get(target, name: string) {
        const repo = (target as unknown as Record<string, unknown>)[name];
        if (!repo || typeof repo !== 'object') return repo;
        return new Proxy(repo, {
          get(r, m: string) {
            const fn = (r as Record<string, unknown>)[m];
            if (typeof fn !== 'function') return fn;
            return (...args: unknown[]) => {
              seen.add(`${name}.${m}`);
              return (fn as (...a: unknown[]) => unknown).apply(r, args);
            };
          },
        });
      },
    });
  return new Proxy(store as DirectStore, {
    get(target, name: string) {
      if (name === 'transaction') {
        seen.add('store.transaction');
        return <T>(fn: (tx: Repos) => Promise<T>) => target.transaction((tx) => fn(wrapRepos(tx)));
      }
      if (name === 'close') return () => (seen.add('store.close'), target.close());
      const v = (wrapRepos(target as DirectStore) as unknown as Record<string, unknown>)[name];
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const iso = (ms: number) => new Date(ms).toISOString();

export function storeContract(factory: StoreFactory): void {
  const seen = new Set<string>();
  let store: DirectStore;
  let raw: Store;
  let methods: Record<string, string[]> = {};

  beforeEach(async () => {
    raw = await factory.open();
    if (!Object.keys(methods).length) methods = repoMethods(raw);
    store = recording(raw, seen);
  });
  afterEach(async () => {
    await store.close();
  });

  /** An account with one active package (v1), one candidate and one connection. */
  async function world(tag = newId('w')) {
    const account = await store.accounts.create({
      id: `acc_${tag}`, name: `Company ${tag}`, issuer: `https://${tag}.ats.example`, audience: 'assay', context_algs: ['HS256'],
      context_secret_enc: 'sealed', jwks_url: null, public_key_pem: null, frame_origins: ['https://ats.example'], settings: { invitation_days: 7 },
    });
    await store.packages.upsert({ account_id: account.id, id: 'pkg-a', name: 'Alpha', description: 'A test', type: 'skills', duration_minutes: 20, active: true, version: 1, content: { tests: [{ id: 't1' }] } });
    const candidate = await store.candidates.upsert({ account_id: account.id, source: 'ats', external_id: 'cand-1', email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace', locale: 'en' });
    const connection = await store.connections.create({ id: newId('con'), account_id: account.id, provider: 'kombo', status: 'active', config: { base_url: 'http://kombo.example/v1' }, secrets_enc: 'sealed-secrets' });
    return { account, candidate, connection };
  }

  function newOrder(w: Awaited<ReturnType<typeof world>>, o: Partial<NewOrder> = {}): NewOrder {
    const id = newId('ord');
    return {
      id, account_id: w.account.id, source: 'widget', source_order_id: id, connection_id: null, package_id: 'pkg-a', package_version: 1,
      candidate_id: w.candidate.id, application_id: 'app-1', job_id: 'job-1', job_name: 'Engineer', status: 'pending', reason: null,
      invite_token_hash: newId('hash'), invited_at: iso(Date.now()), expires_at: iso(Date.now() + 7 * 86_400_000), started_at: null,
      deadline_at: null, completed_at: null, created_by: 'recruiter-1', meta: { via: 'test', nested: { list: [1, 'two', null] } }, ...o,
    };
  }

  describe(`${factory.name} store contract`, () => {
    describe('accounts', () => {
      it('creates, reads by id and issuer, lists, and updates with JSON columns intact', async () => {
        const { account } = await world('acc1');
        expect(account.created_at).toMatch(ISO);
        expect(account.context_algs).toEqual(['HS256']);
        expect(await store.accounts.get(account.id)).toEqual(account);
        expect(await store.accounts.getByIssuer(account.issuer)).toEqual(account);
        expect(await store.accounts.get('nope')).toBeNull();
        expect(await store.accounts.getByIssuer('https://nope')).toBeNull();
        await new Promise((r) => setTimeout(r, 3));
        const { account: second } = await world('acc2');
        expect((await store.accounts.list()).map((a) => a.id)).toEqual([account.id, second.id]);
        await store.accounts.update(account.id, { name: 'Renamed', frame_origins: ['https://a.example', 'https://b.example'], settings: { locale: 'de', score_bands: [{ min: 0, max: 49, label: 'low' }] } });
        await store.accounts.update(account.id, {});
        const after = await store.accounts.get(account.id);
        expect(after).toEqual({ ...account, name: 'Renamed', frame_origins: ['https://a.example', 'https://b.example'], settings: { locale: 'de', score_bands: [{ min: 0, max: 49, label: 'low' }] } });
      });

      it('refuses a second account with the same issuer or id', async () => {
        const { account } = await world('dup');
        await expect(store.accounts.create({ ...account, id: 'other-id' })).rejects.toThrow();
        await expect(store.accounts.create({ ...account, issuer: 'https://other' })).rejects.toThrow();
        expect(await store.accounts.list()).toHaveLength(1);
      });
    });

    describe('connections', () => {
      it('creates, finds scoped and unscoped, lists by account and provider, updates', async () => {
        const w = await world();
        const c = w.connection;
        expect(c).toMatchObject({ provider: 'kombo', status: 'active', config: { base_url: 'http://kombo.example/v1' } });
        expect(c.created_at).toMatch(ISO);
        expect(await store.connections.getById(c.id)).toEqual(c);
        expect(await store.connections.get(w.account.id, c.id)).toEqual(c);
        const other = await world();
        expect(await store.connections.get(other.account.id, c.id)).toBeNull();
        await new Promise((r) => setTimeout(r, 3));
        const pending = await store.connections.create({ id: newId('con'), account_id: w.account.id, provider: 'lever', status: 'pending', config: {}, secrets_enc: 's' });
        expect((await store.connections.listByAccount(w.account.id)).map((x) => x.id)).toEqual([c.id, pending.id]);
        expect((await store.connections.listByProvider('kombo')).map((x) => x.id).sort()).toEqual([c.id, other.connection.id].sort());
        expect(await store.connections.listByProvider('lever', 'active')).toEqual([]);
        expect((await store.connections.listByProvider('lever', 'pending')).map((x) => x.id)).toEqual([pending.id]);
        await store.connections.update(w.account.id, pending.id, { status: 'active', config: { a: 1 }, secrets_enc: 'new' });
        await store.connections.update(other.account.id, c.id, { status: 'revoked' }); // wrong account: no effect
        const upd = (await store.connections.getById(pending.id))!;
        expect(upd).toMatchObject({ status: 'active', config: { a: 1 }, secrets_enc: 'new' });
        expect(upd.updated_at >= pending.updated_at).toBe(true);
        expect((await store.connections.getById(c.id))!.status).toBe('active');
      });
    });

    describe('packages', () => {
      it('changes the package list version on every write to an account\'s packages, and only that account\'s', async () => {
        const w = await world();
        const other = await world();
        const a = w.account.id;
        const v0 = await store.packages.listVersion(a);
        const o0 = await store.packages.listVersion(other.account.id);
        await store.packages.upsert({ account_id: a, id: 'pkg-v', name: 'V', description: 'v', type: 'skills', duration_minutes: 5, active: true, version: 1, content: {} });
        const v1 = await store.packages.listVersion(a);
        expect(v1).not.toBe(v0);
        expect(await store.packages.listVersion(a)).toBe(v1); // reading does not change it
        await store.packages.setActive(a, 'pkg-v', false);
        const v2 = await store.packages.listVersion(a);
        expect(v2).not.toBe(v1);
        await store.transaction(async (tx) => {
          await tx.packages.upsert({ account_id: a, id: 'pkg-v', name: 'V2', description: 'v', type: 'skills', duration_minutes: 5, active: true, version: 2, content: {} });
        });
        expect(await store.packages.listVersion(a)).not.toBe(v2);
        expect(await store.packages.listVersion(other.account.id)).toBe(o0);
        expect(await store.packages.listVersion('no-such-account')).toBe(0);
      });

      it('upserts new versions with their content, lists by name, toggles active', async () => {
        const w = await world();
        const a = w.account.id;
        expect(await store.packages.upsert({ account_id: a, id: 'pkg-b', name: 'beta', description: 'B', type: 'personality', duration_minutes: 10, active: true, version: 1, content: { v: 1 } })).toEqual({ created: true, version: 1 });
        expect(await store.packages.upsert({ account_id: a, id: 'pkg-b', name: 'Beta', description: 'B2', type: 'personality', duration_minutes: 12, active: true, version: 2, content: { v: 2 } })).toEqual({ created: false, version: 2 });
        await store.packages.upsert({ account_id: a, id: 'pkg-c', name: 'Zeta', description: 'Z', type: 'skills', duration_minutes: 5, active: false, version: 1, content: { v: 'z' } });
        // Bytewise order, as SQLite sorts: upper case before lower case.
        expect((await store.packages.list(a)).map((p) => p.name)).toEqual(['Alpha', 'Beta', 'Zeta']);
        expect((await store.packages.list(a, { activeOnly: true })).map((p) => p.id)).toEqual(['pkg-a', 'pkg-b']);
        const b = (await store.packages.get(a, 'pkg-b'))!;
        expect(b).toMatchObject({ account_id: a, id: 'pkg-b', name: 'Beta', description: 'B2', type: 'personality', duration_minutes: 12, active: true, version: 2 });
        expect(b.updated_at).toMatch(ISO);
        expect(await store.packages.content(a, 'pkg-b', 1)).toEqual({ v: 1 });
        expect(await store.packages.content(a, 'pkg-b', 2)).toEqual({ v: 2 });
        expect(await store.packages.content(a, 'pkg-b', 3)).toBeNull();
        expect(await store.packages.get(a, 'nope')).toBeNull();
        expect(await store.packages.setActive(a, 'pkg-b', false)).toBe(true);
        expect(await store.packages.setActive(a, 'nope', false)).toBe(false);
        expect((await store.packages.get(a, 'pkg-b'))!.active).toBe(false);
        expect(await store.packages.list('other-account')).toEqual([]);
      });
    });

    describe('candidates', () => {
      it('upserts by external id (refreshing contact data, keeping a locale), finds, erases', async () => {
        const w = await world();
        const a = w.account.id;
        const c = w.candidate;
        expect(c).toMatchObject({ source: 'ats', external_id: 'cand-1', email: 'ada@example.com', erased_at: null });
        expect(c.created_at).toMatch(ISO);
        const again = await store.candidates.upsert({ account_id: a, source: 'ats', external_id: 'cand-1', email: 'ada@new.example', first_name: 'Ada', last_name: 'King', locale: null });
        expect(again).toEqual({ ...c, email: 'ada@new.example', last_name: 'King', locale: 'en' });
        expect(await store.candidates.get(a, c.id)).toEqual(again);
        expect(await store.candidates.findByExternal(a, 'ats', 'cand-1')).toEqual(again);
        expect(await store.candidates.findByExternal(a, 'kombo', 'cand-1')).toBeNull();
        expect(await store.candidates.get('other', c.id)).toBeNull();
        expect(await store.candidates.erase('other', c.id)).toBe(false);
        expect(await store.candidates.erase(a, c.id)).toBe(true);
        const erased = (await store.candidates.get(a, c.id))!;
        expect(erased).toMatchObject({ id: c.id, email: null, first_name: null, last_name: null, locale: null, external_id: `erased:${c.id}` });
        expect(erased.erased_at).toMatch(ISO);
        // The ATS sends the same person again: a new record, the erased one stays erased.
        const fresh = await store.candidates.upsert({ account_id: a, source: 'ats', external_id: 'cand-1', email: 'x@example.com', first_name: null, last_name: null, locale: null });
        expect(fresh.id).not.toBe(c.id);
        expect((await store.candidates.get(a, c.id))!.email).toBeNull();
      });
      it('lists candidates due for retention erasure: not erased, older than the cut-off, no open or recent order', async () => {
        const w = await world();
        const a = w.account.id;
        const mk = (ext: string) => store.candidates.upsert({ account_id: a, source: 'ats', external_id: ext, email: `${ext}@example.com`, first_name: null, last_name: null, locale: null });
        const idle = await mk('idle');
        const open = await mk('open');
        const closedRecently = await mk('closed-recently');
        const erased = await mk('erased');
        await store.candidates.erase(a, erased.id);
        await store.orders.insertOnce(newOrder(w, { candidate_id: open.id, status: 'pending' }));
        await store.orders.insertOnce(newOrder(w, { candidate_id: closedRecently.id, status: 'completed' }));
        await new Promise((r) => setTimeout(r, 5));
        const cutoff = iso(Date.now());
        await new Promise((r) => setTimeout(r, 5));
        const young = await mk('young');
        const due = await store.candidates.listRetentionDue(a, cutoff, 100);
        // w.candidate has no orders either; the recently closed order was changed before the cut-off too.
        expect(due.map((c) => c.id).sort()).toEqual([w.candidate.id, idle.id, closedRecently.id].sort());
        expect(due.map((c) => c.id)).not.toContain(young.id);
        expect(due.find((c) => c.id === idle.id)).toEqual(idle);
        expect(await store.candidates.listRetentionDue(a, cutoff, 1)).toHaveLength(1);
        expect(await store.candidates.listRetentionDue('other', cutoff, 100)).toEqual([]);
        // An order changed after the cut-off keeps its candidate.
        const order = (await store.orders.listByCandidate(a, closedRecently.id))[0]!;
        await store.orders.update(a, order.id, { outcome: 'hired' });
        expect((await store.candidates.listRetentionDue(a, cutoff, 100)).map((c) => c.id)).not.toContain(closedRecently.id);
      });
    });

    describe('hostile text', () => {
      it('stores text and JSON holding NUL, quotes, emoji and very long strings without failing', async () => {
        const w = await world();
        const odd = `O'Brien "Bobby" \u0000 ; DROP TABLE orders; -- 🧪 ${'x'.repeat(10_000)}`;
        const c = await store.candidates.upsert({ account_id: w.account.id, source: 'ats', external_id: odd, email: null, first_name: odd, last_name: '\u0000', locale: null });
        expect(c.first_name!.startsWith(`O'Brien "Bobby" `)).toBe(true);
        expect(c.first_name).toContain('DROP TABLE orders; -- 🧪');
        expect((await store.candidates.findByExternal(w.account.id, 'ats', odd))?.id).toBe(c.id);
        const o = (await store.orders.insertOnce(newOrder(w, { candidate_id: c.id, meta: { note: odd, [`k'ey`]: ['\u0000', 1] } }))).order;
        await store.attempts.saveAnswer({ order_id: o.id, question_id: 'q\u0000', value: { text: odd }, answered_at: iso(Date.now()) });
        expect((await store.attempts.answers(o.id))[0]!.value).toMatchObject({ text: expect.stringContaining('🧪') });
        expect((await store.orders.get(w.account.id, o.id))!.meta).toMatchObject({ [`k'ey`]: [expect.any(String), 1] });
        expect(await store.orders.listByCandidate(w.account.id, c.id)).toHaveLength(1);
      });
    });

    describe('orders and results', () => {
      it('inserts once per (account, source, source order id) and finds the order every way', async () => {
        const w = await world();
        const o = newOrder(w, { source: 'kombo', source_order_id: 'k-1', connection_id: w.connection.id });
        const first = await store.orders.insertOnce(o);
        expect(first.created).toBe(true);
        expect(first.order).toEqual({ extra_time_percent: 0, ...o, outcome: null, outcome_at: null, writeback_state: null, writeback_note: null, writeback_at: null, created_at: expect.stringMatching(ISO), updated_at: expect.stringMatching(ISO) });
        const twin = await store.orders.insertOnce({ ...o, id: newId('ord'), invite_token_hash: newId('h') });
        expect(twin).toEqual({ order: first.order, created: false });
        expect(await store.orders.get(w.account.id, o.id)).toEqual(first.order);
        expect(await store.orders.get('other', o.id)).toBeNull();
        expect(await store.orders.getById(o.id)).toEqual(first.order);
        expect(await store.orders.getById('nope')).toBeNull();
        expect(await store.orders.findBySource(w.account.id, 'kombo', 'k-1')).toEqual(first.order);
        expect(await store.orders.findBySource(w.account.id, 'widget', 'k-1')).toBeNull();
        expect(await store.orders.findByInviteHash(o.invite_token_hash!)).toEqual(first.order);
        expect(await store.orders.findByInviteHash('nope')).toBeNull();
        expect(await store.orders.findActive(w.account.id, w.candidate.id, 'app-1', 'pkg-a')).toEqual(first.order);
        expect(await store.orders.findActive(w.account.id, w.candidate.id, null, 'pkg-a')).toBeNull();
        // Extra time granted on an order (issue 15) is stored and read back the same on every store.
        const w2 = await world();
        const extra = (await store.orders.insertOnce({ ...newOrder(w2, { source: 'kombo', source_order_id: 'k-extra' }), extra_time_percent: 50 })).order;
        expect(extra.extra_time_percent).toBe(50);
        expect((await store.orders.get(w2.account.id, extra.id))!.extra_time_percent).toBe(50);
        const noApp = (await store.orders.insertOnce(newOrder(w, { application_id: null }))).order;
        expect(await store.orders.findActive(w.account.id, w.candidate.id, null, 'pkg-a')).toEqual(noApp);
        expect((await store.orders.listByCandidate(w.account.id, w.candidate.id)).map((x) => x.id).sort()).toEqual([o.id, noApp.id].sort());
        expect(await store.orders.listByCandidate('other', w.candidate.id)).toEqual([]);
      });

      it('joins the package name and the result in views, newest first', async () => {
        const w = await world();
        const older = (await store.orders.insertOnce(newOrder(w))).order;
        await new Promise((r) => setTimeout(r, 5));
        const newer = (await store.orders.insertOnce(newOrder(w, { package_id: 'pkg-gone' }))).order;
        await new Promise((r) => setTimeout(r, 5));
        const other = await store.candidates.upsert({ account_id: w.account.id, source: 'ats', external_id: 'cand-2', email: null, first_name: null, last_name: null, locale: null });
        const third = (await store.orders.insertOnce(newOrder(w, { candidate_id: other.id }))).order;
        await store.results.insert({ order_id: older.id, account_id: w.account.id, score: 72.5, max_score: 100, details: { sub: [{ id: 't1', score: 72.5 }] }, completed_at: iso(Date.now()) });
        const v = (await store.orders.view(w.account.id, older.id))!;
        expect(v).toMatchObject({ ...older, package_name: 'Alpha' });
        expect(v.result).toEqual({ order_id: older.id, account_id: w.account.id, score: 72.5, max_score: 100, details: { sub: [{ id: 't1', score: 72.5 }] }, completed_at: expect.stringMatching(ISO) });
        expect(await store.results.get(w.account.id, older.id)).toEqual(v.result);
        expect(await store.results.get('other', older.id)).toBeNull();
        expect(await store.orders.view('other', older.id)).toBeNull();
        const nv = (await store.orders.view(w.account.id, newer.id))!;
        expect(nv.package_name).toBe('pkg-gone'); // no such package: its id stands in
        expect(nv.result).toBeNull();
        const list = await store.orders.listForApplication(w.account.id, 'app-1');
        expect(list.map((x) => x.id)).toEqual([third.id, newer.id, older.id]);
        expect(list[2]!.result?.score).toBe(72.5);
        expect((await store.orders.listForApplication(w.account.id, 'app-1', w.candidate.id)).map((x) => x.id)).toEqual([newer.id, older.id]);
        expect(await store.orders.listForApplication(w.account.id, 'app-2')).toEqual([]);
        await expect(store.results.insert({ order_id: older.id, account_id: w.account.id, score: 1, max_score: 1, details: {}, completed_at: iso(Date.now()) })).rejects.toThrow();

        // GET /api/orders reads the list through listForWidget (only the columns toOrderJson reads): its answer is
        // byte for byte the one the full views give, for an order without a result, one whose result has a
        // readable summary (and no package any more) and one whose result has none.
        await store.results.insert({ order_id: newer.id, account_id: w.account.id, score: 81, max_score: 100, details: { score: 81, tests: [{ test_id: 't1', name: 'Reasoning', score: 81, answered: 9, total: 10 }] }, completed_at: iso(Date.now()) });
        await store.orders.update(w.account.id, newer.id, { status: 'completed', completed_at: iso(Date.now()), reason: 'Done.', extra_time_percent: 25 });
        const publicUrl = 'https://assay.example';
        const full = await store.orders.listForApplication(w.account.id, 'app-1');
        const widget = await store.orders.listForWidget(w.account.id, 'app-1');
        expect(widget.map((x) => x.id)).toEqual([third.id, newer.id, older.id]);
        const answer = JSON.stringify({ orders: widget.map((o) => toOrderJson(o, publicUrl)) });
        expect(answer).toBe(JSON.stringify({ orders: full.map((o) => toOrderJson(o, publicUrl)) }));
        expect(answer).toContain('"band"'); // the summary was read
        expect(await store.orders.listForWidget(w.account.id, 'app-2')).toEqual([]);
        expect(await store.orders.listForWidget('other', 'app-1')).toEqual([]);
      });

      it("places a percent among one package's results on one account (for the report's percentile)", async () => {
        const w = await world();
        const scores = [40, 55, 55, 70, 90];
        for (const [i, score] of scores.entries()) {
          const c = await store.candidates.upsert({ account_id: w.account.id, source: 'ats', external_id: `standing-${i}`, email: null, first_name: null, last_name: null, locale: null });
          const o = (await store.orders.insertOnce(newOrder(w, { candidate_id: c.id, package_id: 'pkg-standing' }))).order;
          await store.results.insert({ order_id: o.id, account_id: w.account.id, score, max_score: 100, details: {}, completed_at: iso(Date.now()) });
        }
        const elsewhere = (await store.orders.insertOnce(newOrder(w, { package_id: 'pkg-other' }))).order;
        await store.results.insert({ order_id: elsewhere.id, account_id: w.account.id, score: 10, max_score: 100, details: {}, completed_at: iso(Date.now()) });
        expect(await store.results.standing(w.account.id, 'pkg-standing', 55)).toEqual({ size: 5, below: 1, equal: 2 });
        expect(await store.results.standing(w.account.id, 'pkg-standing', 100)).toEqual({ size: 5, below: 5, equal: 0 });
        expect(await store.results.standing('other', 'pkg-standing', 55)).toEqual({ size: 0, below: 0, equal: 0 });
        expect(await store.results.standing(w.account.id, 'pkg-none', 55)).toEqual({ size: 0, below: 0, equal: 0 });
      });

      it('updates fields (JSON too) and bumps updated_at; lists lapsed invitations and deadlines', async () => {
        const w = await world();
        const now = Date.now();
        const o = (await store.orders.insertOnce(newOrder(w))).order;
        await new Promise((r) => setTimeout(r, 5));
        await store.orders.update(w.account.id, o.id, { status: 'in_progress', started_at: iso(now), deadline_at: iso(now - 1000), meta: { changed: true }, outcome: 'hired', outcome_at: iso(now) });
        await store.orders.update('other', o.id, { status: 'cancelled' });
        const u = (await store.orders.get(w.account.id, o.id))!;
        expect(u).toMatchObject({ status: 'in_progress', started_at: iso(now), deadline_at: iso(now - 1000), meta: { changed: true }, outcome: 'hired', outcome_at: iso(now) });
        expect(u.updated_at > o.updated_at).toBe(true);
        const expiredInvite = (await store.orders.insertOnce(newOrder(w, { application_id: 'app-9', expires_at: iso(now - 60_000) }))).order;
        const fresh = (await store.orders.insertOnce(newOrder(w, { application_id: 'app-8' }))).order;
        const closed = (await store.orders.insertOnce(newOrder(w, { application_id: 'app-7', status: 'completed', expires_at: iso(now - 60_000) }))).order;
        const lapsed = await store.orders.listLapsed(iso(now), 100);
        expect(lapsed.map((x) => x.id).sort()).toEqual([o.id, expiredInvite.id].sort());
        expect(lapsed.map((x) => x.id)).not.toContain(fresh.id);
        expect(lapsed.map((x) => x.id)).not.toContain(closed.id);
        expect(await store.orders.listLapsed(iso(now), 1)).toHaveLength(1);
        expect(await store.orders.listLapsed(iso(now - 3_600_000), 100)).toEqual([]);
      });
    });

    describe('attempts', () => {
      it('saves answers (any JSON, last write wins), starts tests once, finishes once, erases answers', async () => {
        const w = await world();
        const o = (await store.orders.insertOnce(newOrder(w))).order;
        const t = iso(Date.now());
        await store.attempts.saveAnswer({ order_id: o.id, question_id: 'q1', value: 'b', answered_at: t });
        await store.attempts.saveAnswer({ order_id: o.id, question_id: 'q2', value: ['a', 'c'], answered_at: t });
        await store.attempts.saveAnswer({ order_id: o.id, question_id: 'q3', value: { n: 4.5, ok: true, none: null }, answered_at: t });
        await store.attempts.saveAnswer({ order_id: o.id, question_id: 'q1', value: 7, answered_at: t });
        const answers = (await store.attempts.answers(o.id)).sort((a, b) => a.question_id.localeCompare(b.question_id));
        expect(answers).toEqual([
          { order_id: o.id, question_id: 'q1', value: 7, answered_at: t },
          { order_id: o.id, question_id: 'q2', value: ['a', 'c'], answered_at: t },
          { order_id: o.id, question_id: 'q3', value: { n: 4.5, ok: true, none: null }, answered_at: t },
        ]);
        const s = { order_id: o.id, test_id: 't1', started_at: t, deadline_at: iso(Date.now() + 60_000), finished_at: null };
        expect(await store.attempts.startTest(s)).toEqual(s);
        expect(await store.attempts.startTest({ ...s, started_at: iso(Date.now() + 5000) })).toEqual(s); // a second start keeps the first
        const t2 = { ...s, test_id: 't2', started_at: iso(Date.now() + 1000) };
        await store.attempts.startTest(t2);
        const fin = iso(Date.now() + 2000);
        await store.attempts.finishTest(o.id, 't1', fin);
        await store.attempts.finishTest(o.id, 't1', iso(Date.now() + 9000)); // finished once
        expect(await store.attempts.testSessions(o.id)).toEqual([{ ...s, finished_at: fin }, t2]);
        await store.attempts.eraseAnswers(o.id);
        expect(await store.attempts.answers(o.id)).toEqual([]);
        expect(await store.attempts.testSessions('nope')).toEqual([]);
      });

      it('appends proctoring events in order up to a maximum per order, and erases them with the answers', async () => {
        const w = await world();
        const o = (await store.orders.insertOnce(newOrder(w))).order;
        const other = (await store.orders.insertOnce(newOrder(w, { application_id: 'app-proc' }))).order;
        const at = iso(Date.now());
        const ev = (i: number) => ({ kind: 'question' as const, question_id: `q${i}`, at, duration_ms: 1000 + i });
        expect(await store.attempts.addProctoringEvents(o.id, [ev(1), { kind: 'left', question_id: null, at, duration_ms: 41_000 }], 4)).toEqual({ stored: 2, total: 2 });
        expect(await store.attempts.addProctoringEvents(o.id, [ev(2), ev(3), ev(4)], 4)).toEqual({ stored: 2, total: 4 });
        expect(await store.attempts.addProctoringEvents(o.id, [ev(5)], 4)).toEqual({ stored: 0, total: 4 });
        await store.attempts.addProctoringEvents(other.id, [ev(9)], 4);
        expect(await store.attempts.proctoringEvents(o.id)).toEqual([
          { order_id: o.id, seq: 1, ...ev(1) },
          { order_id: o.id, seq: 2, kind: 'left', question_id: null, at, duration_ms: 41_000 },
          { order_id: o.id, seq: 3, ...ev(2) },
          { order_id: o.id, seq: 4, ...ev(3) },
        ]);
        await store.attempts.eraseAnswers(o.id);
        expect(await store.attempts.proctoringEvents(o.id)).toEqual([]);
        expect(await store.attempts.proctoringEvents(other.id)).toHaveLength(1);
      });
    });

    describe('outbox', () => {
      it('enqueues with defaults, claims due jobs with a lease, completes, retries, kills, replays', async () => {
        const w = await world();
        const now = Date.now();
        const a = await store.outbox.enqueue({ account_id: w.account.id, kind: 'email.invitation', payload: { order_id: 'o1' }, run_at: now - 10 });
        expect(a).toMatchObject({ account_id: w.account.id, kind: 'email.invitation', connection_id: null, order_id: null, payload: { order_id: 'o1' }, idempotency_key: a.id, status: 'pending', attempts: 0, max_attempts: 12, next_attempt_at: now - 10, lease_until: null, last_error: null });
        expect(a.created_at).toMatch(ISO);
        const b = await store.outbox.enqueue({ account_id: w.account.id, kind: 'writeback', connection_id: w.connection.id, order_id: 'o2', payload: { e: 'completed' }, idempotency_key: 'writeback:o2:completed', max_attempts: 3, run_at: now - 5 });
        const later = await store.outbox.enqueue({ account_id: null, kind: 'later', payload: {}, run_at: now + 60_000 });
        expect(await store.outbox.nextDueAt()).toBe(now - 10);

        const claimed = await store.outbox.claimDue(now, 10, 30_000);
        expect(claimed.map((j) => j.id)).toEqual([a.id, b.id]);
        for (const j of claimed) expect(j).toMatchObject({ status: 'running', lease_until: now + 30_000 });
        expect(await store.outbox.claimDue(now + 1000, 10, 30_000)).toEqual([]); // leased
        expect((await store.outbox.get(a.id))!.status).toBe('running');

        await store.outbox.complete(a.id);
        expect(await store.outbox.get(a.id)).toMatchObject({ status: 'done', attempts: 1, lease_until: null, last_error: null });
        await store.outbox.retry(b.id, now + 5000, 'HTTP 503 '.repeat(400));
        const rb = (await store.outbox.get(b.id))!;
        expect(rb).toMatchObject({ status: 'pending', attempts: 1, next_attempt_at: now + 5000, lease_until: null });
        expect(rb.last_error!.length).toBe(2000);
        await store.outbox.retry(b.id, now + 6000, 'not ready', false);
        expect(await store.outbox.get(b.id)).toMatchObject({ attempts: 1, next_attempt_at: now + 6000, last_error: 'not ready' });
        expect(await store.outbox.claimDue(now + 5500, 10, 1000)).toEqual([]);
        expect((await store.outbox.claimDue(now + 6000, 10, 1000)).map((j) => j.id)).toEqual([b.id]);
        await store.outbox.kill(b.id, 'HTTP 400: refused');
        expect(await store.outbox.get(b.id)).toMatchObject({ status: 'dead', attempts: 2, last_error: 'HTTP 400: refused', lease_until: null });

        expect(await store.outbox.replay(b.id, now + 7000, 'other-account')).toBeNull();
        expect(await store.outbox.replay(later.id, now + 7000)).toBeNull(); // pending: nothing to replay
        expect(await store.outbox.replay('nope', now)).toBeNull();
        const replayed = (await store.outbox.replay(b.id, now + 7000, w.account.id))!;
        expect(replayed).toMatchObject({ id: b.id, status: 'pending', attempts: 0, next_attempt_at: now + 7000, lease_until: null });
        expect(await store.outbox.replay(a.id, now + 7000)).toMatchObject({ id: a.id, status: 'pending' });

        expect(await store.outbox.get(b.id, 'other-account')).toBeNull();

        // Erasure of a person's ids in finished jobs that belong to no order (a webhook's follow-up job).
        const hook = await store.outbox.enqueue({ account_id: w.account.id, kind: 'lever.stage', payload: { opportunity_id: 'opp-erase-1', contact: 4711, stage: 's' }, run_at: now - 1 });
        const other = await store.outbox.enqueue({ account_id: w.account.id, kind: 'lever.stage', payload: { opportunity_id: 'opp-keep-2' }, run_at: now - 1 });
        const open = await store.outbox.enqueue({ account_id: w.account.id, kind: 'lever.stage', payload: { opportunity_id: 'opp-erase-1' }, run_at: now + 60_000 });
        await store.outbox.kill(hook.id, 'HTTP 404: no opportunity opp-erase-1');
        await store.outbox.complete(other.id);
        expect(await store.outbox.erasePayloadsMentioning('other-account', ['opp-erase-1'])).toBe(0);
        expect(await store.outbox.erasePayloadsMentioning(w.account.id, ['opp-erase-1', '4711', ''])).toBe(1);
        expect(await store.outbox.get(hook.id)).toMatchObject({ payload: { erased: true }, last_error: null, status: 'dead' });
        expect((await store.outbox.get(other.id))!.payload).toEqual({ opportunity_id: 'opp-keep-2' }); // another person's job
        expect((await store.outbox.get(open.id))!.payload).toEqual({ opportunity_id: 'opp-erase-1' }); // not finished yet: it still has to run
        expect(await store.outbox.get(b.id, w.account.id)).toMatchObject({ id: b.id });
        expect(await store.outbox.get('nope')).toBeNull();
        expect(await store.outbox.nextDueAt()).toBe(now + 7000);
      });

      it('reclaims a running job whose lease ran out (its instance died), not before', async () => {
        const now = Date.now();
        const j = await store.outbox.enqueue({ account_id: null, kind: 'k', payload: {}, run_at: now });
        expect((await store.outbox.claimDue(now, 5, 1000)).map((x) => x.id)).toEqual([j.id]);
        expect(await store.outbox.claimDue(now + 999, 5, 1000)).toEqual([]);
        expect(await store.outbox.claimDue(now + 1000, 5, 1000)).toEqual([]); // lease_until < now, strictly
        const again = await store.outbox.claimDue(now + 1001, 5, 1000);
        expect(again).toHaveLength(1);
        expect(again[0]).toMatchObject({ id: j.id, status: 'running', lease_until: now + 2001, attempts: 0 });
      });

      it('renews the lease of a running job its holder still runs, and never revives a finished one', async () => {
        const now = Date.now();
        const j = await store.outbox.enqueue({ account_id: null, kind: 'k', payload: {}, run_at: now });
        const done = await store.outbox.enqueue({ account_id: null, kind: 'k', payload: {}, run_at: now });
        expect((await store.outbox.claimDue(now, 5, 1000)).map((x) => x.id).sort()).toEqual([j.id, done.id].sort());
        await store.outbox.complete(done.id);
        await store.outbox.extendLease([j.id, done.id], now + 5000);
        expect(await store.outbox.claimDue(now + 4999, 5, 1000)).toEqual([]); // renewed: not taken over
        expect(await store.outbox.get(done.id)).toMatchObject({ status: 'done', lease_until: null });
        expect((await store.outbox.claimDue(now + 5001, 5, 1000)).map((x) => x.id)).toEqual([j.id]);
        await store.outbox.extendLease([], now); // nothing to renew: nothing happens
      });

      it('claims at most `limit`, oldest due first, and lists by status, account and kind, newest first', async () => {
        const w = await world();
        const now = Date.now();
        const jobs = [];
        for (let i = 0; i < 5; i++) {
          jobs.push(await store.outbox.enqueue({ account_id: i < 3 ? w.account.id : null, kind: i % 2 ? 'odd' : 'even', order_id: 'ord-x', payload: { i, secret: 'token' }, run_at: now - 100 + i }));
          await new Promise((r) => setTimeout(r, 3));
        }
        expect((await store.outbox.claimDue(now, 2, 1000)).map((j) => j.id)).toEqual([jobs[0]!.id, jobs[1]!.id]);
        expect((await store.outbox.list({})).map((j) => j.id)).toEqual(jobs.map((j) => j.id).reverse());
        expect((await store.outbox.list({ limit: 2 })).map((j) => j.id)).toEqual([jobs[4]!.id, jobs[3]!.id]);
        expect((await store.outbox.list({ status: 'running' })).map((j) => j.id)).toEqual([jobs[1]!.id, jobs[0]!.id]);
        expect((await store.outbox.list({ accountId: w.account.id, kind: 'even' })).map((j) => j.id)).toEqual([jobs[2]!.id, jobs[0]!.id]);
        expect(await store.outbox.list({ status: 'dead' })).toEqual([]);
        await store.outbox.erasePayloads('ord-x');
        for (const j of await store.outbox.list({})) expect(j.payload).toEqual({ erased: true });
        expect(await store.outbox.nextDueAt()).toBe(now - 100);
      });

      it('answers null for the next due time when nothing is waiting', async () => {
        expect(await store.outbox.nextDueAt()).toBeNull();
        expect(await store.outbox.claimDue(Date.now(), 10, 1000)).toEqual([]);
      });

      it('hands each due job to exactly one of many concurrent claimers', async () => {
        const now = Date.now();
        const ids = new Set<string>();
        for (let i = 0; i < 40; i++) ids.add((await store.outbox.enqueue({ account_id: null, kind: 'k', payload: { i }, run_at: now - 1 })).id);
        const batches = await Promise.all(Array.from({ length: 8 }, () => store.outbox.claimDue(now, 7, 60_000)));
        const got = batches.flat().map((j) => j.id);
        expect(new Set(got).size).toBe(got.length);
        expect(got.length).toBe(40);
        expect(new Set(got)).toEqual(ids);
      });
    });

    describe('inbox', () => {
      it('records a delivery once per (provider, connection, delivery id) and finishes it', async () => {
        const w = await world();
        const first = await store.inbox.record({ provider: 'kombo', connection_id: w.connection.id, delivery_id: 'evt:1' });
        expect(first.duplicate).toBe(false);
        expect(first.row).toMatchObject({ provider: 'kombo', connection_id: w.connection.id, delivery_id: 'evt:1', status: 'received', result: null });
        expect(first.row.received_at).toMatch(ISO);
        await store.inbox.finish(first.row.id, 'processed', { order_id: 'o1', result: 'created' });
        const again = await store.inbox.record({ provider: 'kombo', connection_id: w.connection.id, delivery_id: 'evt:1' });
        expect(again).toEqual({ row: { ...first.row, status: 'processed', result: { order_id: 'o1', result: 'created' } }, duplicate: true });
        expect((await store.inbox.record({ provider: 'lever', connection_id: w.connection.id, delivery_id: 'evt:1' })).duplicate).toBe(false);
        expect((await store.inbox.record({ provider: 'kombo', connection_id: 'other', delivery_id: 'evt:1' })).duplicate).toBe(false);
        await store.inbox.finish(first.row.id, 'failed', null);
        expect((await store.inbox.record({ provider: 'kombo', connection_id: w.connection.id, delivery_id: 'evt:1' })).row).toMatchObject({ status: 'failed', result: null });
      });

      it('keeps how a delivery was answered, for its re-delivery, also when a job finishes it later', async () => {
        const w = await world();
        const first = await store.inbox.record({ provider: 'lever', connection_id: w.connection.id, delivery_id: 'tok-answer' });
        expect(first.row.answer).toBeNull();
        const answer = { status: 422, body: { error: { code: 'x', message: 'Refused.' } } };
        await store.inbox.finish(first.row.id, 'received', null, answer);
        expect((await store.inbox.record({ provider: 'lever', connection_id: w.connection.id, delivery_id: 'tok-answer' })).row).toMatchObject({ status: 'received', answer });
        await store.inbox.finish(first.row.id, 'processed', { done: true });
        expect((await store.inbox.record({ provider: 'lever', connection_id: w.connection.id, delivery_id: 'tok-answer' })).row).toMatchObject({ status: 'processed', result: { done: true }, answer });
      });

      it('lets exactly one of many concurrent units of work record the same delivery', async () => {
        const w = await world();
        const outcomes = await Promise.all(
          Array.from({ length: 10 }, () =>
            store.transaction(async (tx) => {
              const r = await tx.inbox.record({ provider: 'kombo', connection_id: w.connection.id, delivery_id: 'evt:burst' });
              if (!r.duplicate) await tx.inbox.finish(r.row.id, 'processed', { by: 'me' });
              return r.duplicate;
            }),
          ),
        );
        expect(outcomes.filter((d) => !d)).toHaveLength(1);
      });
    });

    describe('users', () => {
      it('creates users, finds them by e-mail in any case, and keeps web sessions until they expire', async () => {
        const w = await world();
        const u = await store.users.create({ id: newId('usr'), account_id: w.account.id, email: 'Rita@Example.com', name: 'Rita', password_hash: 'scrypt$x' });
        expect(u.created_at).toMatch(ISO);
        expect(await store.users.getByEmail('rita@example.com')).toEqual(u);
        expect(await store.users.getByEmail('RITA@EXAMPLE.COM')).toEqual(u);
        expect(await store.users.getByEmail('nobody@example.com')).toBeNull();
        expect(await store.users.get(u.id)).toEqual(u);
        expect(await store.users.get('nope')).toBeNull();
        await expect(store.users.create({ id: newId('usr'), account_id: w.account.id, email: 'rita@example.com', name: 'Twin', password_hash: 'x' })).rejects.toThrow();
        const now = Date.now();
        await store.users.createSession({ id_hash: 'h1', user_id: u.id, expires_at: now + 1000 });
        expect(await store.users.getSession('h1', now)).toEqual({ id_hash: 'h1', user_id: u.id, expires_at: now + 1000 });
        expect(await store.users.getSession('h1', now + 1000)).toBeNull();
        expect(await store.users.getSession('h2', now)).toBeNull();
        await store.users.deleteSession('h1');
        expect(await store.users.getSession('h1', now)).toBeNull();
      });

      it('lists, changes and removes an account’s users only, and keeps one single-use, expiring link per user and purpose', async () => {
        const w = await world();
        const other = await world();
        const a = await store.users.create({ id: newId('usr'), account_id: w.account.id, email: 'a@example.com', name: 'A', password_hash: 'x', role: 'admin' });
        const b = await store.users.create({ id: newId('usr'), account_id: w.account.id, email: 'b@example.com', name: 'B', password_hash: 'x', role: 'member' });
        const c = await store.users.create({ id: newId('usr'), account_id: other.account.id, email: 'c@example.com', name: 'C', password_hash: 'x' });
        expect((await store.users.listByAccount(w.account.id)).map((u) => u.id).sort()).toEqual([a.id, b.id].sort());
        expect(await store.users.update(other.account.id, b.id, { role: 'admin' })).toBe(false);
        expect(await store.users.update(w.account.id, b.id, { role: 'admin', password_hash: 'y' })).toBe(true);
        expect(await store.users.get(b.id)).toMatchObject({ role: 'admin', password_hash: 'y', name: 'B' });
        const now = Date.now();
        await store.users.putPasswordToken({ token_hash: 't1', user_id: b.id, account_id: w.account.id, purpose: 'reset', expires_at: now + 1000 });
        await store.users.putPasswordToken({ token_hash: 't2', user_id: b.id, account_id: w.account.id, purpose: 'reset', expires_at: now + 1000 });
        expect(await store.users.hasPasswordToken('t1')).toBe(false); // replaced by the newer link
        expect(await store.users.takePasswordToken('t2', now)).toEqual({ token_hash: 't2', user_id: b.id, account_id: w.account.id, purpose: 'reset', expires_at: now + 1000 });
        expect(await store.users.takePasswordToken('t2', now)).toBeNull(); // used once
        await store.users.putPasswordToken({ token_hash: 't3', user_id: b.id, account_id: w.account.id, purpose: 'invite', expires_at: now + 1000 });
        expect(await store.users.takePasswordToken('t3', now + 1000)).toBeNull(); // expired
        expect(await store.users.hasPasswordToken('t3')).toBe(false);
        await store.users.createSession({ id_hash: 'hb', user_id: b.id, expires_at: now + 1000 });
        await store.users.deleteSessionsOf(b.id);
        expect(await store.users.getSession('hb', now)).toBeNull();
        await store.users.createSession({ id_hash: 'hb2', user_id: b.id, expires_at: now + 1000 });
        await store.users.putPasswordToken({ token_hash: 't4', user_id: b.id, account_id: w.account.id, purpose: 'reset', expires_at: now + 1000 });
        expect(await store.users.remove(other.account.id, b.id)).toBe(false);
        expect(await store.users.remove(w.account.id, b.id)).toBe(true);
        expect(await store.users.get(b.id)).toBeNull();
        expect(await store.users.getSession('hb2', now)).toBeNull();
        expect(await store.users.hasPasswordToken('t4')).toBe(false);
        expect(await store.users.get(c.id)).not.toBeNull();
      });
    });

    describe('audit', () => {
      it('adds entries and lists them per account (or system-wide), newest first, up to a limit', async () => {
        const w = await world();
        await store.audit.add({ account_id: w.account.id, actor: 'cli', action: 'a.one', target: 'x', details: { n: 1 } });
        await new Promise((r) => setTimeout(r, 3));
        await store.audit.add({ account_id: w.account.id, actor: 'cli', action: 'a.two', target: null, details: {} });
        await store.audit.add({ account_id: null, actor: 'system', action: 'sys', target: null, details: { k: 'v' } });
        const list = await store.audit.list(w.account.id);
        expect(list.map((a) => a.action)).toEqual(['a.two', 'a.one']);
        expect(list[1]).toMatchObject({ account_id: w.account.id, actor: 'cli', target: 'x', details: { n: 1 } });
        expect(list[1]!.at).toMatch(ISO);
        expect((await store.audit.list(w.account.id, 1)).map((a) => a.action)).toEqual(['a.two']);
        expect((await store.audit.list(null)).map((a) => a.action)).toEqual(['sys']);
      });
    });

    describe('limits', () => {
      it('counts hits in a fixed window, starts over once it lapses, blocks without shortening and keeps a blocked counter, clears and sweeps', async () => {
        const t0 = 1_000_000;
        expect(await store.limits.get('login-email:ada@example.com', t0)).toBeNull();
        expect(await store.limits.hit('login-email:ada@example.com', 1000, t0)).toEqual({ count: 1, window_start: t0, blocked_until: 0, expires_at: t0 + 1000 });
        expect((await store.limits.hit('login-email:ada@example.com', 1000, t0 + 10)).count).toBe(2);
        expect((await store.limits.hit('login-email:bob@example.com', 1000, t0 + 10)).count).toBe(1); // keys are separate
        // Concurrent hits are each counted once.
        const counts = await Promise.all(Array.from({ length: 20 }, () => store.limits.hit('session:198.51.100.7', 1000, t0)));
        expect(counts.map((s) => s.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
        await store.limits.block('login-email:ada@example.com', t0 + 500, t0 + 5000);
        await store.limits.block('login-email:ada@example.com', t0 + 200, t0 + 100); // never shortens
        expect(await store.limits.get('login-email:ada@example.com', t0 + 20)).toEqual({ count: 2, window_start: t0, blocked_until: t0 + 500, expires_at: t0 + 5000 });
        // Kept past its window while blocked; a hit after it lapses starts over.
        expect((await store.limits.hit('login-email:ada@example.com', 1000, t0 + 2000)).count).toBe(3);
        expect(await store.limits.hit('login-email:ada@example.com', 1000, t0 + 5000)).toEqual({ count: 1, window_start: t0 + 5000, blocked_until: 0, expires_at: t0 + 6000 });
        await store.limits.clear('login-email:ada@example.com');
        expect(await store.limits.get('login-email:ada@example.com', t0 + 5001)).toBeNull();
        expect(await store.limits.sweep(t0 + 1010)).toBe(2); // bob's and the session's counters lapsed
        expect(await store.limits.get('session:198.51.100.7', t0)).toBeNull();
      });
    });

    describe('idempotency', () => {
      it('keeps the first request per (account, key) and refuses a second put', async () => {
        const w = await world();
        expect(await store.idempotency.get(w.account.id, 'k1')).toBeNull();
        await store.idempotency.put(w.account.id, 'k1', 'hash-1', 'ord-1');
        expect(await store.idempotency.get(w.account.id, 'k1')).toEqual({ request_hash: 'hash-1', order_id: 'ord-1' });
        expect(await store.idempotency.get('other', 'k1')).toBeNull();
        await expect(store.idempotency.put(w.account.id, 'k1', 'hash-2', 'ord-2')).rejects.toThrow();
        expect(await store.idempotency.get(w.account.id, 'k1')).toEqual({ request_hash: 'hash-1', order_id: 'ord-1' });
      });
    });

    describe('assessments', () => {
      it('creates drafts scoped to the account, lists them by job, and publishes / unpublishes', async () => {
        const w = await world();
        const other = await world();
        const base = { account_id: w.account.id, package_id: 'pkg-a', connection_id: w.connection.id, job_id: 'j-1', invitation_days: 5, extra_time_percent: 25 };
        const b = await store.assessments.create({ ...base, id: newId('asm'), job_name: 'Zoologist' });
        const a = await store.assessments.create({ ...base, id: newId('asm'), job_name: 'Analyst', connection_id: null, job_id: null });
        expect(b).toMatchObject({ ...base, job_name: 'Zoologist', status: 'draft', published_at: null });
        expect(Number.isNaN(Date.parse(b.created_at))).toBe(false);
        expect((await store.assessments.list(w.account.id)).map((x) => x.id)).toEqual([a.id, b.id]);
        expect(await store.assessments.list(other.account.id)).toEqual([]);
        expect(await store.assessments.get(other.account.id, a.id)).toBeNull();
        expect(await store.assessments.setStatus(other.account.id, a.id, 'published')).toBe(false);
        expect(await store.assessments.setStatus(w.account.id, a.id, 'published')).toBe(true);
        const published = (await store.assessments.get(w.account.id, a.id))!;
        expect(published.status).toBe('published');
        expect(Number.isNaN(Date.parse(published.published_at!))).toBe(false);
        expect((await store.assessments.list(w.account.id, { status: 'published' })).map((x) => x.id)).toEqual([a.id]);
        expect(await store.assessments.setStatus(w.account.id, a.id, 'unpublished')).toBe(true);
        expect(await store.assessments.list(w.account.id, { status: 'published' })).toEqual([]);
        expect((await store.assessments.get(w.account.id, a.id))!.published_at).toBe(published.published_at);
      });
    });

    describe('connector state and mappings', () => {
      it('keeps JSON values per (connection, key) and synced objects per (kind, external id)', async () => {
        const { connection: c } = await world();
        expect(await store.connectorState.get(c.id, 'cursor')).toBeNull();
        await store.connectorState.put(c.id, 'cursor', { page: 2, ids: ['a'] });
        await store.connectorState.put(c.id, 'flag', true);
        await store.connectorState.put(c.id, 'cursor', { page: 3 });
        expect(await store.connectorState.get(c.id, 'cursor')).toEqual({ page: 3 });
        expect(await store.connectorState.get(c.id, 'flag')).toBe(true);
        await store.connectorState.delete(c.id, 'cursor');
        expect(await store.connectorState.get(c.id, 'cursor')).toBeNull();

        await store.connectorState.upsertObject(c.id, 'job', 'j-b', { name: 'B' });
        await store.connectorState.upsertObject(c.id, 'job', 'J-a', { name: 'A' });
        await store.connectorState.upsertObject(c.id, 'job', 'j-b', { name: 'B2', stages: [1, 2] });
        await store.connectorState.upsertObject(c.id, 'stage', 's-1', { name: 'S' });
        expect(await store.connectorState.getObject(c.id, 'job', 'j-b')).toEqual({ name: 'B2', stages: [1, 2] });
        expect(await store.connectorState.getObject(c.id, 'job', 'nope')).toBeNull();
        expect(await store.connectorState.listObjects(c.id, 'job')).toEqual([{ external_id: 'J-a', data: { name: 'A' } }, { external_id: 'j-b', data: { name: 'B2', stages: [1, 2] } }]);
        expect(await store.connectorState.listObjects(c.id, 'job', 1)).toEqual([{ external_id: 'J-a', data: { name: 'A' } }]);
        await store.connectorState.deleteObject(c.id, 'job', 'J-a');
        expect((await store.connectorState.listObjects(c.id, 'job')).map((o) => o.external_id)).toEqual(['j-b']);
      });

      it('maps ATS objects to packages: set (replacing), get, list, delete', async () => {
        const { connection: c } = await world();
        await store.mappings.set({ connection_id: c.id, kind: 'posting', external_id: 'p-2', package_id: 'pkg-a' });
        await store.mappings.set({ connection_id: c.id, kind: 'posting', external_id: 'p-1', package_id: 'pkg-a' });
        await store.mappings.set({ connection_id: c.id, kind: 'job', external_id: 'j-1', package_id: 'pkg-a' });
        await store.mappings.set({ connection_id: c.id, kind: 'posting', external_id: 'p-2', package_id: 'pkg-b' });
        const m = (await store.mappings.get(c.id, 'posting', 'p-2'))!;
        expect(m).toMatchObject({ connection_id: c.id, kind: 'posting', external_id: 'p-2', package_id: 'pkg-b' });
        expect(m.created_at).toMatch(ISO);
        expect(await store.mappings.get(c.id, 'posting', 'nope')).toBeNull();
        expect((await store.mappings.list(c.id)).map((x) => `${x.kind}/${x.external_id}`)).toEqual(['job/j-1', 'posting/p-1', 'posting/p-2']);
        expect((await store.mappings.list(c.id, 'posting')).map((x) => x.external_id)).toEqual(['p-1', 'p-2']);
        expect(await store.mappings.delete(c.id, 'posting', 'p-1')).toBe(true);
        expect(await store.mappings.delete(c.id, 'posting', 'p-1')).toBe(false);
        expect((await store.mappings.list(c.id, 'posting')).map((x) => x.external_id)).toEqual(['p-2']);
      });
    });

    describe('insights', () => {
      it('aggregates the funnel, score bins, bands, times and per-package and per-job figures', async () => {
        const w = await world();
        const a = w.account.id;
        await store.packages.upsert({ account_id: a, id: 'pkg-b', name: 'Beta', description: 'B', type: 'skills', duration_minutes: 10, active: true, version: 1, content: {} });
        const t0 = Date.parse('2026-03-02T09:00:00.000Z');
        const h = (n: number) => iso(t0 + n * 3_600_000);
        const mk = async (o: Partial<NewOrder> & { score?: number; outcome?: string }) => {
          const { score, outcome, ...rest } = o;
          const row = (await store.orders.insertOnce(newOrder(w, { invited_at: h(0), ...rest }))).order;
          if (outcome) await store.orders.update(a, row.id, { outcome });
          if (score !== undefined) await store.results.insert({ order_id: row.id, account_id: a, score, max_score: 100, details: {}, completed_at: rest.completed_at ?? h(5) });
          return row;
        };
        await mk({ status: 'completed', started_at: h(1), completed_at: h(2), score: 95, outcome: 'hired' });
        await mk({ status: 'completed', started_at: h(2), completed_at: h(4), score: 44.5, outcome: 'rejected' });
        await mk({ status: 'completed', started_at: h(0.5), completed_at: h(1), score: 100, job_id: 'job-2', job_name: 'Analyst', package_id: 'pkg-b' });
        await mk({ status: 'completed', started_at: h(3), completed_at: h(6), score: 9.99, job_id: null, job_name: null });
        await mk({ status: 'in_progress', started_at: h(1), application_id: 'x1' });
        await mk({ status: 'pending', application_id: 'x2' });
        await mk({ status: 'expired', application_id: 'x3' });
        await mk({ status: 'rejected', reason: 'no e-mail', invited_at: null, invite_token_hash: null, application_id: 'x4' });
        await mk({ status: 'cancelled', application_id: 'x5', package_id: 'pkg-b' });
        await mk({ status: 'failed', application_id: 'x6' });
        const bands = [{ min: 0, max: 44 }, { min: 45, max: 79 }, { min: 80, max: 100 }];
        const all = await store.insights.aggregates(a, {}, bands);
        expect(all.funnel).toEqual({ sent: 9, started: 5, completed: 4, expired: 1, cancelled: 1, rejected: 1, failed: 1, pending: 1, in_progress: 1 });
        expect(all.scoreBins).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 0, 2]);
        // 44.5 rounds half away from zero to 45, as SQLite's ROUND does.
        expect(all.bandOutcomes).toEqual([
          { band: 0, hired: 0, rejected: 0, active: 1 },
          { band: 1, hired: 0, rejected: 1, active: 0 },
          { band: 2, hired: 1, rejected: 0, active: 1 },
        ]);
        // (SQLite's julianday arithmetic is off in the ninth decimal.)
        expect(all.hoursToStart).toEqual([0.5, 1, 1, 2, 3].map((x) => expect.closeTo(x, 6)));
        expect(all.hoursToComplete).toEqual([1, 2, 4, 6].map((x) => expect.closeTo(x, 6)));
        expect(all.byPackage).toEqual([
          { package_id: 'pkg-a', package_name: 'Alpha', sent: 7, completed: 3, avg_score: (95 + 44.5 + 9.99) / 3 },
          { package_id: 'pkg-b', package_name: 'Beta', sent: 2, completed: 1, avg_score: 100 },
        ].map((p) => ({ ...p, avg_score: expect.closeTo(p.avg_score, 9) })));
        expect(all.byJob).toEqual([
          { job_id: 'job-1', job_name: 'Engineer', sent: 7, completed: 2, avg_score: expect.closeTo((95 + 44.5) / 2, 9) },
          { job_id: null, job_name: null, sent: 1, completed: 1, avg_score: expect.closeTo(9.99, 9) },
          { job_id: 'job-2', job_name: 'Analyst', sent: 1, completed: 1, avg_score: 100 },
        ]);
        const pkgB = await store.insights.aggregates(a, { packageId: 'pkg-b' }, []);
        expect(pkgB.funnel).toMatchObject({ sent: 2, completed: 1, cancelled: 1 });
        expect(pkgB.bandOutcomes).toEqual([]);
        expect((await store.insights.aggregates(a, { jobId: 'job-2' }, bands)).funnel.completed).toBe(1);
        const created = (await store.orders.listForApplication(a, 'app-1'))[0]!.created_at;
        expect((await store.insights.aggregates(a, { from: created }, bands)).funnel.sent).toBeGreaterThan(0);
        expect((await store.insights.aggregates(a, { to: '2000-01-01T00:00:00.000Z' }, bands)).funnel).toMatchObject({ sent: 0, completed: 0 });
        expect((await store.insights.aggregates('other', {}, bands)).byPackage).toEqual([]);
      });
    });

    describe('units of work', () => {
      it('commits everything a transaction did together', async () => {
        const w = await world();
        const o = newOrder(w);
        const out = await store.transaction(async (tx) => {
          const { order } = await tx.orders.insertOnce(o);
          await tx.outbox.enqueue({ account_id: w.account.id, kind: 'email.invitation', order_id: order.id, payload: {} });
          await tx.audit.add({ account_id: w.account.id, actor: 't', action: 'order.created', target: order.id, details: {} });
          return order.id;
        });
        expect(out).toBe(o.id);
        expect(await store.orders.getById(o.id)).not.toBeNull();
        expect(await store.outbox.list({ kind: 'email.invitation' })).toHaveLength(1);
      });

      it('rolls back everything when the function throws, and rethrows its error', async () => {
        const w = await world();
        const o = newOrder(w);
        const boom = new Error('boom');
        await expect(
          store.transaction(async (tx) => {
            await tx.orders.insertOnce(o);
            await tx.outbox.enqueue({ account_id: w.account.id, kind: 'x', payload: {} });
            throw boom;
          }),
        ).rejects.toBe(boom);
        expect(await store.orders.getById(o.id)).toBeNull();
        expect(await store.outbox.list({ kind: 'x' })).toEqual([]);
      });

      it('rolls back a unit of work whose statement failed (a duplicate key), keeping what came before it', async () => {
        const w = await world();
        await store.idempotency.put(w.account.id, 'k', 'h', 'o');
        const o = newOrder(w);
        await expect(
          store.transaction(async (tx) => {
            await tx.orders.insertOnce(o);
            await tx.idempotency.put(w.account.id, 'k', 'h2', 'o2');
          }),
        ).rejects.toThrow();
        expect(await store.orders.getById(o.id)).toBeNull();
        expect(await store.idempotency.get(w.account.id, 'k')).toEqual({ request_hash: 'h', order_id: 'o' });
      });

      it('commits concurrent units of work together, except a failing one, which rolls back alone', async () => {
        const w = await world();
        const orders = Array.from({ length: 12 }, () => newOrder(w));
        const boom = new Error('unit 5 fails');
        const settled = await Promise.allSettled(
          orders.map((o, i) =>
            store.transaction(async (tx) => {
              await tx.orders.insertOnce(o);
              await tx.outbox.enqueue({ account_id: w.account.id, kind: 'gc.test', order_id: o.id, payload: { i } });
              if (i === 5) throw boom;
              return o.id;
            }),
          ),
        );
        expect(settled.map((r) => r.status)).toEqual(orders.map((_, i) => (i === 5 ? 'rejected' : 'fulfilled')));
        expect((settled[5] as PromiseRejectedResult).reason).toBe(boom);
        for (const [i, o] of orders.entries()) expect(await store.orders.getById(o.id), `order ${i}`).toEqual(i === 5 ? null : expect.objectContaining({ id: o.id }));
        const jobs = await store.outbox.list({ kind: 'gc.test' });
        expect(jobs.map((j) => (j.payload as { i: number }).i).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11]);
      });

      it('claims a batch of due outbox jobs at once, oldest first, each once', async () => {
        const w = await world();
        const now = Date.now();
        const made = [];
        for (let i = 0; i < 8; i++) made.push(await store.outbox.enqueue({ account_id: w.account.id, kind: 'gc.claim', payload: { i }, run_at: now - 100 + ((i * 5) % 8) }));
        const [first, second] = await Promise.all([store.outbox.claimDue(now, 5, 30_000), store.outbox.claimDue(now, 5, 30_000)]);
        const byAge = [...made].sort((a, b) => a.next_attempt_at - b.next_attempt_at).map((j) => j.id);
        const all = [...first!, ...second!];
        expect(all.map((j) => j.id).sort()).toEqual(made.map((j) => j.id).sort());
        expect(first!.length === 5 ? first!.map((j) => j.id) : second!.map((j) => j.id)).toEqual(byAge.slice(0, 5));
        for (const j of all) expect(j).toMatchObject({ status: 'running', lease_until: now + 30_000 });
      });

      it('serialises check-then-insert units of work: concurrent twins place one active order', async () => {
        const w = await world();
        const results = await Promise.all(
          Array.from({ length: 6 }, () =>
            store.transaction(async (tx) => {
              if (await tx.orders.findActive(w.account.id, w.candidate.id, 'app-race', 'pkg-a')) return 'refused';
              await new Promise((r) => setTimeout(r, 20)); // the rest of the unit of work (candidate, token, …)
              await tx.orders.insertOnce(newOrder(w, { application_id: 'app-race' }));
              return 'created';
            }),
          ),
        );
        expect(results.filter((r) => r === 'created')).toHaveLength(1);
        expect((await store.orders.listForApplication(w.account.id, 'app-race')).length).toBe(1);
      });

      it('answers "duplicate", never "already active", to twins taking in the same source order (webhook versus reconciliation)', async () => {
        const w = await world();
        // The shape of placeOrder: seen already? candidate; an active order for this person? insert.
        const outcomes = await Promise.all(
          Array.from({ length: 6 }, () =>
            store.transaction(async (tx) => {
              if (await tx.orders.findBySource(w.account.id, 'kombo', 'k-twin')) return 'duplicate';
              const c = await tx.candidates.upsert({ account_id: w.account.id, source: 'kombo', external_id: 'rc-twin', email: 'twin@example.com', first_name: null, last_name: null, locale: null });
              if (await tx.orders.findActive(w.account.id, c.id, 'app-twin', 'pkg-a')) return 'already active';
              await new Promise((r) => setTimeout(r, 10));
              const r = await tx.orders.insertOnce(newOrder(w, { source: 'kombo', source_order_id: 'k-twin', candidate_id: c.id, application_id: 'app-twin' }));
              return r.created ? 'created' : 'duplicate';
            }),
          ),
        );
        expect(outcomes.sort()).toEqual(['created', 'duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
      });

      it('lets units of work changing the same order take turns: the second sees what the first did', async () => {
        const w = await world();
        const o = (await store.orders.insertOnce(newOrder(w, { source: 'kombo', connection_id: w.connection.id }))).order;
        // What the sweeper does in every instance at once: expire an order still pending, queue one write-back.
        const expired = await Promise.all(
          Array.from({ length: 6 }, (_, i) =>
            store.transaction(async (tx) => {
              const cur = i % 2 ? await tx.orders.get(w.account.id, o.id) : await tx.orders.getById(o.id);
              if (!cur || cur.status !== 'pending') return false;
              await tx.orders.update(w.account.id, o.id, { status: 'expired', reason: 'lapsed' });
              await tx.outbox.enqueue({ account_id: w.account.id, kind: 'writeback', order_id: o.id, payload: { event: 'expired' }, idempotency_key: `writeback:${o.id}:expired` });
              return true;
            }),
          ),
        );
        expect(expired.filter(Boolean)).toHaveLength(1);
        expect(await store.outbox.list({ kind: 'writeback' })).toHaveLength(1);
        // The same through the other lookups a unit of work uses (invitation link, source id, view).
        const p = (await store.orders.insertOnce(newOrder(w, { application_id: 'app-turns' }))).order;
        const started = await Promise.all(
          [
            (tx: Repos) => tx.orders.findByInviteHash(p.invite_token_hash!),
            (tx: Repos) => tx.orders.findBySource(w.account.id, p.source, p.source_order_id),
            (tx: Repos) => tx.orders.view(w.account.id, p.id),
            (tx: Repos) => tx.orders.findActive(w.account.id, w.candidate.id, 'app-turns', 'pkg-a'),
          ].map((find) =>
            store.transaction(async (tx) => {
              const cur = await find(tx);
              if (!cur || cur.status !== 'pending') return false;
              await tx.orders.update(w.account.id, p.id, { status: 'in_progress', started_at: iso(Date.now()) });
              await tx.audit.add({ account_id: w.account.id, actor: 'candidate', action: 'order.started', target: p.id, details: {} });
              return true;
            }),
          ),
        );
        expect(started.filter(Boolean)).toHaveLength(1);
        expect((await store.audit.list(w.account.id)).filter((a) => a.action === 'order.started')).toHaveLength(1);
      });

      it('replays an Idempotency-Key raced by twin requests: one order, the same answer for all', async () => {
        const w = await world();
        const ids = await Promise.all(
          Array.from({ length: 6 }, () =>
            store.transaction(async (tx) => {
              const prior = await tx.idempotency.get(w.account.id, 'click-race');
              if (prior) return prior.order_id;
              const { order } = await tx.orders.insertOnce(newOrder(w, { application_id: null, package_id: 'pkg-race' }));
              await tx.idempotency.put(w.account.id, 'click-race', 'hash', order.id);
              return order.id;
            }),
          ),
        );
        expect(new Set(ids).size).toBe(1);
        expect((await store.orders.listByCandidate(w.account.id, w.candidate.id)).filter((o) => o.package_id === 'pkg-race')).toHaveLength(1);
      });

      it('stores the same order once when many units of work insert it at the same moment', async () => {
        const w = await world();
        const base = newOrder(w, { source: 'kombo', source_order_id: 'k-race' });
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            store.transaction(async (tx) => {
              const c = await tx.candidates.upsert({ account_id: w.account.id, source: 'kombo', external_id: 'rc-race', email: `r${i}@example.com`, first_name: null, last_name: null, locale: null });
              const r = await tx.orders.insertOnce({ ...base, id: newId('ord'), candidate_id: c.id, invite_token_hash: newId('h') });
              if (r.created) await tx.outbox.enqueue({ account_id: w.account.id, kind: 'email.invitation', order_id: r.order.id, payload: {} });
              return r;
            }),
          ),
        );
        expect(results.filter((r) => r.created)).toHaveLength(1);
        expect(new Set(results.map((r) => r.order.id)).size).toBe(1);
        expect(await store.outbox.list({ kind: 'email.invitation' })).toHaveLength(1);
      });
    });

    describe('dashboard (Candidates page, last webhook)', () => {
      it('pages an account\'s orders newest first by keyset, filters them, searches name and e-mail literally, lists their jobs', async () => {
        const w = await world('dash1');
        const other = await world('dash2');
        const grace = await store.candidates.upsert({ account_id: w.account.id, source: 'ats', external_id: 'cand-2', email: 'grace_h@example.com', first_name: 'Grace', last_name: 'Hopper', locale: null });
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) {
          const o = newOrder(w, i === 4 ? { candidate_id: grace.id, source: 'kombo', status: 'completed', job_id: 'job-2', job_name: 'Analyst' } : {});
          ids.push((await store.orders.insertOnce(o)).order.id);
          await new Promise((r) => setTimeout(r, 2));
        }
        await store.results.insert({ order_id: ids[4]!, account_id: w.account.id, score: 81, max_score: 100, details: {}, completed_at: iso(Date.now()) });
        await store.orders.insertOnce(newOrder(other));
        const first = await store.orders.listPage(w.account.id, { limit: 2 });
        expect(first.map((o) => o.id)).toEqual([ids[4], ids[3]]);
        expect(first[0]).toMatchObject({ package_name: 'Alpha', score: 81, candidate_first_name: 'Grace', candidate_email: 'grace_h@example.com', candidate_erased_at: null });
        expect(first[0]).not.toHaveProperty('invite_token_hash');
        const second = await store.orders.listPage(w.account.id, { limit: 2, after: { created_at: first[1]!.created_at, id: first[1]!.id } });
        expect(second.map((o) => o.id)).toEqual([ids[2], ids[1]]);
        expect((await store.orders.listPage(w.account.id, { limit: 10, status: 'completed' })).map((o) => o.id)).toEqual([ids[4]]);
        expect((await store.orders.listPage(w.account.id, { limit: 10, source: 'kombo', jobId: 'job-2', packageId: 'pkg-a' })).map((o) => o.id)).toEqual([ids[4]]);
        expect((await store.orders.listPage(w.account.id, { limit: 10, search: 'grace HOP' })).map((o) => o.id)).toEqual([ids[4]]);
        expect((await store.orders.listPage(w.account.id, { limit: 10, search: 'h@example' })).map((o) => o.id)).toEqual([ids[4]]);
        expect(await store.orders.listPage(w.account.id, { limit: 10, search: 'e_h%' })).toEqual([]);
        expect(await store.orders.listPage(w.account.id, { limit: 10, from: iso(Date.now() + 60_000) })).toEqual([]);
        expect((await store.orders.listPage(w.account.id, { limit: 10, to: iso(Date.now() + 60_000) })).length).toBe(5);
        expect(await store.orders.listJobs(w.account.id)).toEqual([
          { job_id: 'job-2', job_name: 'Analyst' },
          { job_id: 'job-1', job_name: 'Engineer' },
        ]);
      });

      it('tells when a connection\'s latest delivery arrived', async () => {
        const w = await world('dash3');
        expect(await store.inbox.lastReceived('kombo', w.connection.id)).toBeNull();
        const { row } = await store.inbox.record({ provider: 'kombo', connection_id: w.connection.id, delivery_id: 'd-1' });
        expect(await store.inbox.lastReceived('kombo', w.connection.id)).toBe(row.received_at);
        expect(await store.inbox.lastReceived('lever', w.connection.id)).toBeNull();
      });
    });
  });

  afterAll(() => {
    // Every method of every repo the store has (read off the live store: methods other engineers add
    // show up here) was exercised by this suite, as were transaction and close.
    const missing: string[] = [];
    for (const [repo, ms] of Object.entries(methods)) for (const m of ms) if (!seen.has(`${repo}.${m}`)) missing.push(`${repo}.${m}`);
    for (const m of ['store.transaction', 'store.close']) if (!seen.has(m)) missing.push(m);
    expect(Object.keys(methods).length).toBeGreaterThanOrEqual(15);
    expect(missing, `store methods no contract test calls (add tests in test/store-contract/contract.ts)`).toEqual([]);
  });
}

export type { OrderRow };
