import { randomBytes } from 'node:crypto';
import * as jose from 'jose';
import * as v from 'valibot';
import { ROLES } from '../../shared/api.ts';
import { createAccount } from '../accounts/create-account.ts';
import { importPackage, packagesChanged } from '../accounts/import-package.ts';
import { hashPassword } from '../accounts/passwords.ts';
import { ALLOWED_ALGS } from '../context/verify-context.ts';
import { formatContentErrors, loadPackageFile, type ContentError } from '../content/load-package-file.ts';
import type { PackageContent } from '../../shared/content/schema.ts';
import { UsageError } from '../errors.ts';
import { isDashboardRole } from '../dashboard/roles.ts';
import { newId } from '../ids.ts';
import '../connectors/register.ts';
import { connectors } from '../connectors/index.ts';
import type { Command, CommandContext } from './main.ts';
import { connectionCommands, str } from './connection-commands.ts';
import { diagnosticsCommands } from './diagnostics-commands.ts';
import { dbCommands } from './db-commands.ts';
import { candidateCommands } from './candidate-commands.ts';

const list = (ctx: CommandContext, name: string): string[] => {
  const val = ctx.args[name];
  return Array.isArray(val) ? val : typeof val === 'string' ? [val] : [];
};

const ORIGIN = /^https?:\/\/([a-z0-9-]+\.)*[a-z0-9-]+(\.[a-z0-9-]+)*(:(\d{1,5}|\*))?$/i;
const EMAIL = v.pipe(v.string(), v.email());

export const commands: Record<string, Command> = {
  'accounts:create': {
    summary: 'Create an account (one customer of the provider) and print its context-signing secret once.',
    usage: '--name <name> --issuer <iss> [--frame-origin <origin> …] [--alg HS256|RS256|ES256|EdDSA …] [--jwks-url <url>] [--public-key-file <pem>] [--id <id>] [--no-packages]',
    details: 'The issuer is the `iss` the ATS puts in its context tokens. Frame origins are where the widget may be framed (e.g. https://app.recruitee.com).',
    options: { name: { type: 'string' }, issuer: { type: 'string' }, id: { type: 'string' }, audience: { type: 'string' }, 'frame-origin': { type: 'string', multiple: true }, alg: { type: 'string', multiple: true }, 'jwks-url': { type: 'string' }, 'public-key-file': { type: 'string' }, 'no-packages': { type: 'boolean' } },
    async run(ctx) {
      const name = str(ctx, 'name', true)!;
      const issuer = str(ctx, 'issuer', true)!;
      const id = str(ctx, 'id');
      if (id && !/^[a-z0-9][a-z0-9_-]{1,62}$/.test(id)) throw new UsageError('invalid_id', '--id must be 2–63 lower-case letters, digits, "-" or "_".');
      const origins = list(ctx, 'frame-origin');
      for (const o of origins) if (!ORIGIN.test(o)) throw new UsageError('invalid_frame_origin', `"${o}" is not an origin like https://ats.example.com (no path, no trailing slash).`);
      const algs = list(ctx, 'alg').length ? list(ctx, 'alg') : ['HS256'];
      for (const a of algs) if (!(ALLOWED_ALGS as readonly string[]).includes(a)) throw new UsageError('invalid_alg', `--alg must be one of ${ALLOWED_ALGS.join(', ')}; "${a}" is not allowed.`);
      const jwksUrl = str(ctx, 'jwks-url');
      if (jwksUrl && !/^https?:\/\//.test(jwksUrl)) throw new UsageError('invalid_jwks_url', '--jwks-url must be an http(s) URL.');
      let pem: string | undefined;
      const pemFile = str(ctx, 'public-key-file');
      if (pemFile) {
        const { readFileSync } = await import('node:fs');
        try {
          pem = readFileSync(pemFile, 'utf8');
        } catch {
          throw new UsageError('unreadable_file', `Cannot read ${pemFile}.`);
        }
      }
      if (algs.some((a) => a !== 'HS256') && !jwksUrl && !pem) throw new UsageError('missing_key', 'Asymmetric algorithms need --jwks-url or --public-key-file.');
      const svc = await ctx.svc();
      if (await svc.store.accounts.getByIssuer(issuer)) throw new UsageError('issuer_taken', `An account with issuer "${issuer}" exists already.`);
      if (id && (await svc.store.accounts.get(id))) throw new UsageError('id_taken', `An account "${id}" exists already.`);
      const { account, contextSecret } = await createAccount(svc, { id, name, issuer, audience: str(ctx, 'audience'), algs, jwksUrl, publicKeyPem: pem, frameOrigins: origins, settings: { company_name: name } });
      if (!ctx.args['no-packages']) {
        const { loadBundledPackages } = await import('../content/load-package-file.ts');
        const pkgs = await loadBundledPackages();
        await svc.store.transaction(async (tx) => {
          for (const p of pkgs) await importPackage(tx, account.id, p);
        });
      }
      ctx.out(
        `Created account ${account.id} (${account.name}).\nIssuer: ${account.issuer}\nAudience: ${account.audience}\n${contextSecret ? `Context secret (HS256, shown once): ${contextSecret}\n` : ''}Frame origins: ${origins.join(' ') || '(none: the widget cannot be framed until you add one)'}`,
        { account_id: account.id, name: account.name, issuer: account.issuer, audience: account.audience, algorithms: algs, context_secret: contextSecret, frame_origins: origins },
      );
    },
  },

  'users:create': {
    summary: 'Create a provider dashboard user (reads full reports) for an account.',
    usage: '--account <id> --email <email> [--name <name>] [--password <pw>] [--role admin|member]',
    details: 'Without --password a strong one is generated and printed once. --role (default admin): members read candidates and reports in the dashboard; admins also change things.',
    options: { account: { type: 'string' }, email: { type: 'string' }, name: { type: 'string' }, password: { type: 'string' }, role: { type: 'string' } },
    async run(ctx) {
      const accountId = str(ctx, 'account', true)!;
      const email = str(ctx, 'email', true)!.toLowerCase();
      if (!v.is(EMAIL, email)) throw new UsageError('invalid_email', `"${email}" is not an e-mail address.`);
      const given = str(ctx, 'password');
      if (given !== undefined && given.length < 10) throw new UsageError('weak_password', 'Passwords must have at least 10 characters.');
      const password = given ?? randomBytes(12).toString('base64url');
      const role = str(ctx, 'role') ?? 'admin';
      if (!isDashboardRole(role)) throw new UsageError('invalid_role', `--role is admin or member, not "${role}".`);
      const svc = await ctx.svc();
      if (!(await svc.store.accounts.get(accountId))) throw new UsageError('unknown_account', `There is no account "${accountId}".`);
      if (await svc.store.users.getByEmail(email)) throw new UsageError('email_taken', `A user with e-mail ${email} exists already.`);
      const hash = await hashPassword(password);
      const user = await svc.store.transaction(async (tx) => {
        const created = await tx.users.create({ id: newId('usr'), account_id: accountId, email, name: str(ctx, 'name') ?? email, password_hash: hash, role });
        await tx.audit.add({ account_id: accountId, actor: 'cli', action: 'user.created', target: created.id, details: { email, role } });
        return created;
      });
      ctx.out(`Created user ${email} for ${accountId}.${given ? '' : `\nPassword (shown once): ${password}`}`, { user_id: user.id, account_id: accountId, email, password: given ? undefined : password });
    },
  },

  token: {
    summary: "Mint a context JWT with an account's own HS256 secret, for development.",
    usage: '--account <id> [--candidate <id>] [--email <e>] [--first-name <n>] [--last-name <n>] [--application <id>] [--job <id>] [--job-name <n>] [--role recruiter|admin|viewer] [--ttl <seconds ≤ 900>] [--sub <ats user>]',
    options: { account: { type: 'string' }, candidate: { type: 'string' }, email: { type: 'string' }, 'first-name': { type: 'string' }, 'last-name': { type: 'string' }, application: { type: 'string' }, job: { type: 'string' }, 'job-name': { type: 'string' }, role: { type: 'string' }, ttl: { type: 'string' }, sub: { type: 'string' }, locale: { type: 'string' } },
    async run(ctx) {
      const accountId = str(ctx, 'account', true)!;
      const role = str(ctx, 'role') ?? 'recruiter';
      if (!(ROLES as readonly string[]).includes(role)) throw new UsageError('invalid_role', `--role must be one of ${ROLES.join(', ')}.`);
      const ttlRaw = str(ctx, 'ttl') ?? '600';
      if (!/^\d+$/.test(ttlRaw) || Number(ttlRaw) < 1 || Number(ttlRaw) > 900) throw new UsageError('invalid_ttl', '--ttl must be a whole number of seconds from 1 to 900 (15 minutes).');
      const svc = await ctx.svc();
      const account = await svc.store.accounts.get(accountId);
      if (!account) throw new UsageError('unknown_account', `There is no account "${accountId}".`);
      if (!account.context_secret_enc) throw new UsageError('no_hs256_secret', 'This account verifies asymmetric tokens; sign them with your own private key.');
      const candidate = str(ctx, 'candidate') ?? 'cand-dev-1';
      const token = await new jose.SignJWT({
        role,
        candidate: { id: candidate, email: str(ctx, 'email') ?? 'candidate@example.com', first_name: str(ctx, 'first-name') ?? 'Dev', last_name: str(ctx, 'last-name') ?? 'Candidate' },
        application: { id: str(ctx, 'application') ?? `app-${candidate}` },
        job: { id: str(ctx, 'job') ?? 'job-dev', name: str(ctx, 'job-name') ?? 'Developer' },
        locale: str(ctx, 'locale') ?? 'en',
      })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(account.issuer)
        .setAudience(account.audience)
        .setSubject(str(ctx, 'sub') ?? 'dev-recruiter')
        .setIssuedAt()
        .setExpirationTime(`${ttlRaw}s`)
        .setJti(newId('jti'))
        .sign(new TextEncoder().encode(svc.box.open(account.context_secret_enc)));
      ctx.out(token, { token, expires_in: Number(ttlRaw) });
    },
  },

  'packages:import': {
    summary: 'Load or update a package from a content file (JSON) into an account.',
    usage: '--account <id> <file.json> [more files…]',
    details: 'Bad content is reported as "file: path: what is wrong" and nothing is imported.',
    options: { account: { type: 'string' } },
    async run(ctx) {
      const accountId = str(ctx, 'account', true)!;
      if (ctx.positionals.length === 0) throw new UsageError('missing_file', 'Name at least one content file to import.');
      const loaded: PackageContent[] = [];
      const problems: ContentError[] = [];
      for (const f of ctx.positionals) {
        const r = await loadPackageFile(f);
        if (r.ok) loaded.push(r.content);
        else problems.push(...r.errors);
      }
      if (problems.length) throw new UsageError('invalid_content', `nothing imported:\n${formatContentErrors(problems)}`);
      const svc = await ctx.svc();
      if (!(await svc.store.accounts.get(accountId))) throw new UsageError('unknown_account', `There is no account "${accountId}".`);
      const results = await svc.store.transaction(async (tx) => {
        const out = [];
        for (const p of loaded) out.push({ id: p.id, ...(await importPackage(tx, accountId, p)) });
        await tx.audit.add({ account_id: accountId, actor: 'cli', action: 'packages.imported', target: null, details: { ids: loaded.map((p) => p.id) } });
        return out;
      });
      await packagesChanged(svc, accountId);
      ctx.out(results.map((r) => `${r.created ? 'Created' : 'Updated'} ${r.id} (version ${r.version})`).join('\n'), { account_id: accountId, packages: results });
    },
  },

  'outbox:list': {
    summary: 'List outbox jobs (newest first): invitations, write-backs, with attempts and last error.',
    usage: '[--status pending|running|done|dead] [--account <id>] [--kind <kind>] [--limit <n>]',
    options: { status: { type: 'string' }, account: { type: 'string' }, kind: { type: 'string' }, limit: { type: 'string' } },
    async run(ctx) {
      const status = str(ctx, 'status');
      if (status && !['pending', 'running', 'done', 'dead'].includes(status)) throw new UsageError('invalid_status', '--status must be pending, running, done or dead.');
      const limitRaw = str(ctx, 'limit') ?? '50';
      if (!/^\d+$/.test(limitRaw) || Number(limitRaw) < 1 || Number(limitRaw) > 10_000) throw new UsageError('invalid_limit', '--limit must be a whole number from 1 to 10000.');
      const svc = await ctx.svc();
      const jobs = await svc.store.outbox.list({ status: status as never, accountId: str(ctx, 'account'), kind: str(ctx, 'kind'), limit: Number(limitRaw) });
      const rows = jobs.map((j) => ({ id: j.id, account_id: j.account_id, kind: j.kind, order_id: j.order_id, status: j.status, attempts: j.attempts, max_attempts: j.max_attempts, next_attempt_at: new Date(j.next_attempt_at).toISOString(), last_error: j.last_error, created_at: j.created_at }));
      const human = rows.length
        ? rows.map((r) => `${r.id}  ${r.status.padEnd(7)} ${r.kind.padEnd(18)} attempts ${r.attempts}/${r.max_attempts}  ${r.order_id ?? ''}${r.last_error ? `\n    last error: ${r.last_error}` : ''}`).join('\n')
        : 'No jobs match.';
      ctx.out(human, { jobs: rows });
    },
  },

  'outbox:replay': {
    summary: 'Queue a dead (or done) job again with a fresh attempt budget; the running server delivers it.',
    usage: '<job-id> [--account <id>] [--run]',
    details: '--run also delivers it now from this process and prints the outcome.',
    options: { account: { type: 'string' }, run: { type: 'boolean' } },
    async run(ctx) {
      const id = ctx.positionals[0];
      if (!id || !/^job_[0-9a-z]+$/.test(id)) throw new UsageError('missing_job', 'Name the job to replay, e.g. assay outbox:replay job_abc123 (see outbox:list).');
      const svc = await ctx.svc();
      const existing = await svc.store.outbox.get(id, str(ctx, 'account'));
      if (!existing) throw new UsageError('unknown_job', `There is no job ${id}${str(ctx, 'account') ? ' in that account' : ''}.`);
      if (existing.status === 'pending' || existing.status === 'running') throw new UsageError('job_not_finished', `Job ${id} is ${existing.status}; only dead or done jobs can be replayed.`);
      await svc.store.transaction((tx) => tx.outbox.replay(id, Date.now(), str(ctx, 'account')));
      let job = await svc.store.outbox.get(id);
      if (ctx.args.run) {
        await svc.outbox.tick();
        job = await svc.store.outbox.get(id);
      }
      ctx.out(`Job ${id} is ${job!.status}${job!.last_error && job!.status !== 'done' ? ` (last error: ${job!.last_error})` : ''}.`, { id, status: job!.status, attempts: job!.attempts, last_error: job!.last_error });
    },
  },

  ...connectionCommands,
  ...diagnosticsCommands,
  // Each connector's own commands (its cli.ts), in registration order (server/connectors/register.ts).
  ...Object.assign({}, ...Object.values(connectors).map((c) => c.cli ?? {})),
  ...dbCommands,
  ...candidateCommands,
};
