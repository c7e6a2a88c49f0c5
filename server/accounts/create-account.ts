import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadBundledPackages } from '../content/load-package-file.ts';
import { newId } from '../ids.ts';
import type { Services } from '../services.ts';
import type { AccountRow, AccountSettings } from '../store/types.ts';
import { importPackage } from './import-package.ts';
import { hashPassword } from './passwords.ts';

export interface NewAccountInput {
  id?: string;
  name: string;
  issuer: string;
  audience?: string;
  algs?: string[];
  contextSecret?: string | null;
  jwksUrl?: string | null;
  publicKeyPem?: string | null;
  frameOrigins?: string[];
  settings?: AccountSettings;
}

/** Creates an account; with HS256 and no secret given, one is generated and returned once. */
export async function createAccount(svc: Services, input: NewAccountInput): Promise<{ account: AccountRow; contextSecret: string | null }> {
  const algs = input.algs ?? ['HS256'];
  const secret = algs.includes('HS256') ? (input.contextSecret ?? randomBytes(32).toString('base64url')) : null;
  const account = await svc.store.transaction(async (tx) => {
    const acc = await tx.accounts.create({
      id: input.id ?? newId('acc'),
      name: input.name,
      issuer: input.issuer,
      audience: input.audience ?? 'assay',
      context_algs: algs,
      context_secret_enc: secret ? svc.box.seal(secret) : null,
      jwks_url: input.jwksUrl ?? null,
      public_key_pem: input.publicKeyPem ?? null,
      frame_origins: input.frameOrigins ?? [],
      settings: input.settings ?? {},
    });
    await tx.audit.add({ account_id: acc.id, actor: 'cli', action: 'account.created', target: acc.id, details: { issuer: acc.issuer } });
    return acc;
  });
  return { account, contextSecret: secret };
}

export interface DemoFile {
  account_id: string;
  issuer: string;
  audience: string;
  context_secret: string;
  user: { email: string; password: string };
}

/** First start with an empty store: the `demo` account, its packages, a dashboard user and demo.json. */
export async function seedDemo(svc: Services): Promise<DemoFile | null> {
  if ((await svc.store.accounts.list()).length > 0) return null;
  const { account, contextSecret } = await createAccount(svc, {
    id: 'demo',
    name: 'Demo Company',
    issuer: 'https://demo-ats.localhost',
    frameOrigins: ['http://localhost:*', 'http://127.0.0.1:*'],
    settings: { company_name: 'Demo Company', invitation_days: 7 },
  });
  const packages = await loadBundledPackages();
  const password = randomBytes(9).toString('base64url');
  const passwordHash = await hashPassword(password); // outside the transaction: it takes real time
  await svc.store.transaction(async (tx) => {
    for (const p of packages) await importPackage(tx, account.id, p);
    await tx.users.create({ id: newId('usr'), account_id: account.id, email: 'demo@assay.localhost', name: 'Demo Provider User', password_hash: passwordHash });
  });
  const demo: DemoFile = { account_id: account.id, issuer: account.issuer, audience: account.audience, context_secret: contextSecret!, user: { email: 'demo@assay.localhost', password } };
  writeFileSync(join(svc.config.dataDir, 'demo.json'), JSON.stringify(demo, null, 2) + '\n', { mode: 0o600 });
  return demo;
}
