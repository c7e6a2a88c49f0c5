import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig } from '../config.ts';
import { UsageError } from '../errors.ts';
import { createServices, type Services } from '../services.ts';
import { registerJobs } from '../outbox/jobs.ts';
import '../connectors/register.ts';
import { commands } from './commands.ts';

export interface CommandContext {
  args: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  json: boolean;
  svc: () => Promise<Services>;
  out: (human: string, data: unknown) => void;
}

export interface Command {
  summary: string;
  usage: string;
  details?: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(ctx: CommandContext): Promise<void>;
}

function helpAll(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(22)} ${c.summary}`);
  return `Usage: assay <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nEvery command takes --help, and --json for machine-readable output.\nConfiguration comes from the environment (DATA_DIR, ASSAY_MASTER_KEY, PUBLIC_URL, …; see README).`;
}

function helpOne(name: string, c: Command): string {
  const opts = Object.entries(c.options).map(([k, o]) => `  --${k}${o.type === 'string' ? ' <value>' : ''}${o.multiple ? ' (repeatable)' : ''}`);
  return `Usage: assay ${name} ${c.usage}\n\n${c.summary}${c.details ? `\n\n${c.details}` : ''}\n\nOptions:\n${[...opts, '  --json', '  --help'].join('\n')}`;
}

export async function runCli(argv: string[], io = { stdout: (s: string) => process.stdout.write(s), stderr: (s: string) => process.stderr.write(s) }): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(helpAll() + '\n');
    return 0;
  }
  const cmd = commands[name];
  const wantsJson = rest.includes('--json');
  const fail = (code: string, message: string, status = 2) => {
    if (wantsJson) io.stderr(JSON.stringify({ error: { code, message } }) + '\n');
    else io.stderr(`assay ${name}: ${code}: ${message}\n`);
    return status;
  };
  if (!cmd) return fail('unknown_command', `There is no command "${name}". Run "assay --help" for the list.`);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(helpOne(name, cmd) + '\n');
    return 0;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...cmd.options, json: { type: 'boolean' }, help: { type: 'boolean' } }, allowPositionals: true, strict: true });
  } catch (err) {
    return fail('invalid_arguments', `${(err as Error).message.replace(/\. To specify.*$/s, '')}. See "assay ${name} --help".`);
  }
  let services: Services | null = null;
  const ctx: CommandContext = {
    args: parsed.values as CommandContext['args'],
    positionals: parsed.positionals,
    json: !!parsed.values.json,
    svc: async () => {
      if (!services) {
        services = await createServices({ ...loadConfig(), workers: false, logLevel: 'warn' });
        registerJobs(services);
      }
      return services;
    },
    out: (human, data) => io.stdout((wantsJson ? JSON.stringify(data, null, 2) : human) + '\n'),
  };
  try {
    await cmd.run(ctx);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) return fail(err.code, err.message);
    return fail('failed', (err as Error).message, 1);
  } finally {
    if (services) await (services as Services).store.close();
  }
}

/** Exits once stdout has been written out (a pipe is asynchronous: process.exit alone can cut the output). */
export function exitAfterFlush(code: number): void {
  process.exitCode = code;
  process.stdout.write('', () => process.exit(code));
}

/** True when this file is the program (`tsx server/cli/main.ts`, as `npm run assay` starts it), symlinks resolved. */
function isMain(): boolean {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  process.umask(0o077); // as the server: files the CLI creates in DATA_DIR are the owner's only
  runCli(process.argv.slice(2)).then(exitAfterFlush);
}
