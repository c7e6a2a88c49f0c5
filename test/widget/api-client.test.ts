// @vitest-environment happy-dom
import { describe, expect, test } from 'vitest';
import { ApiError, createHttpApi, type Fetcher } from '../../widget/app/api.ts';

type Call = { url: string; method: string; headers: Record<string, string>; body: unknown };

/** A scripted fetch: answers in order, recording what the widget sent. */
function scripted(answers: (Response | Error)[]) {
  const calls: Call[] = [];
  const fetch: Fetcher = async (url, init = {}) => {
    calls.push({ url, method: init.method ?? 'GET', headers: init.headers as Record<string, string>, body: init.body ? JSON.parse(String(init.body)) : undefined });
    const next = answers.shift();
    if (!next) throw new Error('unexpected call ' + url);
    if (next instanceof Error) throw next;
    return next;
  };
  return { fetch, calls };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function client(answers: (Response | Error)[], renew = async () => {}) {
  let token = 'tok-1';
  const s = scripted(answers);
  const api = createHttpApi({
    fetch: s.fetch,
    base: 'https://assay.test',
    session: {
      token: () => token,
      renew: async () => {
        await renew();
        token = 'tok-2';
      },
    },
    offlineMessage: () => 'Assay could not be reached.',
    retryDelay: 1,
  });
  return { api, calls: s.calls };
}

describe('HTTP ApiClient', () => {
  test('sends the bearer token and reads packages', async () => {
    const { api, calls } = client([json(200, { packages: [{ id: 'p1', name: 'A', description: '', type: 't', duration_minutes: 5 }] })]);
    expect(await api.listPackages()).toHaveLength(1);
    expect(calls[0]!.url).toBe('https://assay.test/api/packages');
    expect(calls[0]!.headers.authorization).toBe('Bearer tok-1');
  });

  test('an order retried after a network failure reuses its Idempotency-Key', async () => {
    const { api, calls } = client([new TypeError('Failed to fetch'), json(201, { order: { id: 'ord_1' } })]);
    const order = await api.createOrder('p1', 'key-123');
    expect(order.id).toBe('ord_1');
    expect(calls).toHaveLength(2);
    expect(calls.map((c) => c.headers['idempotency-key'])).toEqual(['key-123', 'key-123']);
    expect(calls[0]!.body).toEqual({ package_id: 'p1' });
  });

  test('a 422 refusal surfaces the server sentence, untouched', async () => {
    const { api } = client([json(422, { error: { code: 'candidate_without_email', message: 'This candidate has no e-mail address.' } })]);
    const err = await api.createOrder('p1', 'k').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 422, code: 'candidate_without_email', message: 'This candidate has no e-mail address.' });
  });

  test('session_expired renews the session once and retries with the new token', async () => {
    let renewed = 0;
    const { api, calls } = client(
      [json(401, { error: { code: 'session_expired', message: 'Expired.' } }), json(200, { orders: [] })],
      async () => void renewed++,
    );
    expect(await api.listOrders()).toEqual([]);
    expect(renewed).toBe(1);
    expect(calls.map((c) => c.headers.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-2']);
  });

  test('when renewal is impossible the person reads why', async () => {
    const { api } = client([json(401, { error: { code: 'session_expired', message: 'Expired.' } })], async () => {
      throw new ApiError(401, 'session_expired', 'Session expired — reload the page.');
    });
    await expect(api.listOrders()).rejects.toThrow('Session expired — reload the page.');
  });

  test('reads are not retried; a dead network is a readable sentence', async () => {
    const { api, calls } = client([new TypeError('Failed to fetch')]);
    await expect(api.listOrders()).rejects.toMatchObject({ code: 'network_error', message: 'Assay could not be reached.' });
    expect(calls).toHaveLength(1);
  });

  test('a non-JSON error page still gives a sentence', async () => {
    const { api } = client([new Response('<html>Bad gateway</html>', { status: 502 })]);
    await expect(api.listOrders()).rejects.toMatchObject({ status: 502, message: 'Assay could not be reached.' });
  });
});
