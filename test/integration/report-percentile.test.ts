// The report compares a candidate with everyone who took the same package on the same account: a
// percentile with the group's size from 30 results on, "not enough data" below that, other packages and
// other accounts left out. Results are written as submit writes them (store beside the running server).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeOrder } from '../../server/orders/place-order.ts';
import type { Json } from '../../server/store/types.ts';
import type { ResultSummary } from '../../shared/result/summary.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { openStore } from './lever-helpers.ts';

let srv: RunningServer;
let cookie: string;
let seq = 0;

async function completed(packageId: string, percent: number): Promise<string> {
  const { store, box } = await openStore(srv);
  try {
    return await store.transaction(async (tx) => {
      const account = (await tx.accounts.get(srv.demo.account_id))!;
      const n = ++seq;
      const placed = await placeOrder(tx, box, { account, source: 'widget', packageId, candidate: { externalId: `pct-${n}`, email: `pct-${n}@example.com`, firstName: 'P', lastName: String(n), locale: null }, applicationId: `app-pct-${n}`, job: { id: null, name: null }, createdBy: 'test' });
      if (placed.kind !== 'created') throw new Error(JSON.stringify(placed));
      const at = new Date().toISOString();
      const summary: ResultSummary = { version: 1, percent, band: null, answered: 1, total: 1, seconds: 60, tests: [], proctoring: null };
      await tx.results.insert({ order_id: placed.order.id, account_id: account.id, score: percent, max_score: 100, details: summary as unknown as Json, completed_at: at });
      await tx.orders.update(account.id, placed.order.id, { status: 'completed', started_at: at, completed_at: at });
      return placed.order.id;
    });
  } finally {
    await store.close();
  }
}

const standing = async (orderId: string) => {
  const html = await (await fetch(`${srv.url}/report/${orderId}`, { headers: { cookie } })).text();
  return /data-testid="percentile">([^<]*(?:<strong>\d+<\/strong>[^<]*)?)</.exec(html)?.[1]?.replace(/<\/?strong>/g, '');
};

beforeAll(async () => {
  srv = await startServer();
  const login = await fetch(`${srv.url}/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: srv.url }, body: new URLSearchParams(srv.demo.user) });
  cookie = /assay_session=[^;]+/.exec(login.headers.get('set-cookie') ?? '')![0];
}, 60_000);
afterAll(() => srv?.stop());

describe('percentile on the report', () => {
  it('says "not enough data" with the group size under 30, then ranks among the 30 (ties count half)', { timeout: 120_000 }, async () => {
    // 29 others on TypeScript Skills: 0, 3, …, 84; and some on another package, which do not count.
    for (let i = 0; i < 29; i++) await completed('typescript-skills', i * 3);
    for (let i = 0; i < 3; i++) await completed('work-style', 50);
    const mine = await completed('typescript-skills', 60);
    expect(await standing(mine)).toBe('Percentile 70: 60% is higher than 70% of the 30 candidates who took this assessment on your account (ties count half).');
    // 20 of 30 below 60 (0 … 57) and two at 60 (another and this candidate), ties half: (20 + 2 / 2) / 30 = 70 %.
    const other = await completed('work-style', 50);
    expect(await standing(other)).toBe('Compared with others: not enough data yet (4 candidates took this assessment on your account; a percentile needs at least 30).');
  });
});
