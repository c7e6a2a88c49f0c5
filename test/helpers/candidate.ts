// What integration tests share when they act as a candidate: waiting for a condition, reading the
// e-mails the server wrote, and taking a test through the candidate API as the page at /t/<token> does.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './server.ts';

export async function until<T>(fn: () => Promise<T> | T, ok: (v: T) => boolean, ms = 15_000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(v)?.slice(0, 800)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** E-mails the server wrote (no SMTP_URL: .eml files), decoded from quoted-printable enough to read links. */
export function mails(dataDir: string, tag?: string): string[] {
  const dir = join(dataDir, 'mail');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.eml') && (!tag || f.includes(`-${tag}.eml`)))
    .sort()
    .map((f) => readFileSync(join(dir, f), 'utf8').replace(/=\r?\n/g, '').replace(/=3D/g, '='));
}

export const inviteToken = (mail: string) => /\/t\/([A-Za-z0-9_-]{20,})/.exec(mail)?.[1] ?? null;

type Content = { tests: Array<{ id: string; questions: Array<{ id: string; kind: string; answer?: unknown; answers?: unknown }> }> };
export const packageContent = (id: string) => JSON.parse(readFileSync(join(ROOT, 'content/packages', `${id}.json`), 'utf8')) as Content;

/**
 * The candidate takes the test through the candidate API, as the page at /t/<token> does: the first
 * test all right, the rest answered wrongly, so the sub-scores differ.
 */
export async function takeTest(serverUrl: string, token: string, packageId: string) {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${serverUrl}/api/candidate${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as any;
    if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  await call('POST', '/start');
  const content = packageContent(packageId);
  for (const [i, test] of content.tests.entries()) {
    await call('POST', `/tests/${test.id}/start`);
    for (const q of test.questions) {
      const right = q.kind === 'single_choice' || q.kind === 'numeric' ? q.answer : q.kind === 'multiple_choice' ? q.answers : q.kind === 'likert' ? 4 : undefined;
      if (right === undefined) continue;
      const value = i === 0 ? right : q.kind === 'numeric' ? -1 : q.kind === 'single_choice' ? (right === 'a' ? 'b' : 'a') : right;
      await call('PUT', `/answers/${q.id}`, { value });
    }
    await call('POST', `/tests/${test.id}/finish`);
  }
  return call('POST', '/submit');
}
