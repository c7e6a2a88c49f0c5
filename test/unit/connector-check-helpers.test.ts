// The pieces of `assay connections:check` every connector shares (server/connectors/shared.ts): what counts as
// this machine, the PUBLIC_URL finding a vendor on the internet needs, and how findings and fixes are recorded.
import { describe, expect, it } from 'vitest';
import { checkFindings, isLoopback, unreachablePublicUrl } from '../../server/connectors/shared.ts';
import type { Services } from '../../server/services.ts';

const svcAt = (publicUrl: string) => ({ config: { publicUrl } }) as unknown as Services;

describe('connections:check helpers', () => {
  it('knows the addresses of this machine, and nothing else, as loopback', () => {
    for (const url of ['http://localhost:8080', 'http://127.0.0.1:3000/x', 'http://[::1]:9000']) expect(isLoopback(url), url).toBe(true);
    for (const url of ['https://assay.example.com', 'https://api.stackone.com', 'not a url', '']) expect(isLoopback(url), url).toBe(false);
  });

  it('names PUBLIC_URL on this machine when the vendor is on the internet, with the fix', () => {
    const finding = unreachablePublicUrl(svcAt('http://localhost:8080'), 'https://api.stackone.com', 'StackOne', 'the webhook URL');
    expect(finding).toEqual({ ok: false, check: 'public_url', message: 'PUBLIC_URL is http://localhost:8080: StackOne cannot reach the webhook URL there.', fix: 'Run the server behind a public https address and set PUBLIC_URL to it.' });
  });

  it('says nothing when both are on this machine (a simulator) or PUBLIC_URL is public', () => {
    expect(unreachablePublicUrl(svcAt('http://127.0.0.1:8080'), 'http://127.0.0.1:9999', 'Recruitee', 'the webhook')).toBeNull();
    expect(unreachablePublicUrl(svcAt('https://assay.example.com'), 'https://api.recruitee.com', 'Recruitee', 'the webhook')).toBeNull();
  });

  it('keeps a fix only on a failed finding and names the provider in the re-add sentence', () => {
    const { out, add, reAdd } = checkFindings('recruitee');
    add(true, 'a', 'fine', 'not shown');
    add(false, 'b', 'broken', reAdd('webhook_secret'));
    expect(out).toEqual([
      { ok: true, check: 'a', message: 'fine' },
      { ok: false, check: 'b', message: 'broken', fix: 'Add the connection again with assay connections:add --provider recruitee … --set webhook_secret=…' },
    ]);
  });
});
