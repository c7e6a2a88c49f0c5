/**
 * npm run sim -- <provider> [--port <n>] [--host <h>] [--webhook-url <url>] [--<option> <value> ...]
 *
 * Loads test/simulators/<provider>/index.ts (any folder with that file plugs in), starts it, prints ONE JSON line
 *   { "provider", "base_url", "credentials": { … } }
 * and runs until SIGINT/SIGTERM. Other --kebab-case options are passed to startSimulator as camelCase
 * (e.g. --signature-encoding hex → { signatureEncoding: 'hex' }; numbers and true/false are converted).
 * Exit codes: 0 stopped by signal, 2 usage error (unknown provider, bad port, bad arguments), 1 start failure.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SimHandle, StartOptions } from './shared/types.ts';

const here = dirname(fileURLToPath(import.meta.url));

function providers(): string[] {
  return readdirSync(here, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'shared' && existsSync(join(here, d.name, 'index.ts')))
    .map((d) => d.name)
    .sort();
}

function usage(): string {
  return `Usage: npm run sim -- <provider> [--port <n>] [--host <host>] [--webhook-url <url>] [--<option> <value> ...]

Starts a local fake of an ATS / unified-API vendor and prints one JSON line:
  { "provider", "base_url", "credentials": { ... } }
then serves until Ctrl-C. Control API: <origin>/_sim/ (see the provider's index.ts).

Providers: ${providers().join(', ') || '(none found)'}

Options:
  --port <n>          port to listen on, 0-65535 (default 0 = any free port)
  --host <host>       interface to bind (default 127.0.0.1)
  --webhook-url <url> where the simulator sends its webhooks (can be changed later via /_sim/config)
  --<name> <value>    any other provider option, e.g. --signature-encoding hex (kombo)
  -h, --help          show this help`;
}

function fail(msg: string): never {
  process.stderr.write(`sim: ${msg}\nRun "npm run sim -- --help" for usage.\n`);
  process.exit(2);
}

function convert(v: string): unknown {
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  return v;
}

async function main(argv: string[]) {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(usage() + '\n');
    process.exit(argv.length === 0 ? 2 : 0);
  }
  const [provider, ...rest] = argv;
  if (!provider || provider.startsWith('-')) fail('the first argument must be a provider name');
  if (!/^[a-z0-9-]+$/.test(provider) || !existsSync(join(here, provider, 'index.ts')))
    fail(`unknown provider "${provider}". Known: ${providers().join(', ') || '(none)'}`);

  const opts: StartOptions = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const m = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(arg);
    if (!m) fail(`unexpected argument "${arg}"`);
    const key = m[1]!.replace(/-([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());
    let value = m[2];
    if (value === undefined) {
      const nextArg = rest[i + 1];
      if (nextArg === undefined || nextArg.startsWith('--')) value = 'true';
      else value = rest[++i]!;
    }
    if (key === 'port') {
      if (!/^\d+$/.test(value) || Number(value) > 65535) fail(`bad port "${value}": use an integer from 0 to 65535`);
      opts.port = Number(value);
    } else if (key === 'host' || key === 'webhookUrl') opts[key] = value;
    else opts[key] = convert(value);
  }
  if (opts.webhookUrl !== undefined) {
    try {
      new URL(String(opts.webhookUrl));
    } catch {
      fail(`bad --webhook-url "${String(opts.webhookUrl)}": give an absolute URL`);
    }
  }

  const mod = (await import(pathToFileURL(join(here, provider, 'index.ts')).href)) as { startSimulator?: (o: StartOptions) => Promise<SimHandle> };
  if (typeof mod.startSimulator !== 'function') {
    process.stderr.write(`sim: ${provider}/index.ts does not export startSimulator\n`);
    process.exit(1);
  }
  let handle: SimHandle;
  try {
    handle = await mod.startSimulator(opts);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') fail(`port ${opts.port} is already in use`);
    if (err.code === 'EACCES') fail(`not allowed to listen on port ${opts.port}`);
    process.stderr.write(`sim: could not start ${provider}: ${err.message}\n`);
    process.exit(1);
  }
  process.stdout.write(JSON.stringify({ provider: handle.provider, base_url: handle.baseUrl, credentials: handle.credentials }) + '\n');
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void handle.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

await main(process.argv.slice(2));
