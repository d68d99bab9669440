/**
 * The `stratus` command line. main.ts calls `runCli(argv)` first: it runs every command except
 * `serve` and returns true; for `serve` it returns false and main.ts starts the server with
 * `loadConfig(argv, env)`.
 */
import { createAccount, InvalidAccountNameError } from './accounts/accounts.ts';
import {
  CONFIG_FLAGS,
  ConfigError,
  configFromFlags,
  splitArgs,
  USAGE,
  type StratusConfig,
} from './config.ts';
import { ConflictError } from './store/errors.ts';
import { openAdminStores } from './store/open.ts';
import { EVENTS_FLAGS, runEvents } from './audit/cli-events.ts';

export type CliCommand =
  | { command: 'serve'; config: StratusConfig }
  | { command: 'accounts'; action: 'create'; name: string; json: boolean; config: StratusConfig }
  | { command: 'accounts'; action: 'list'; json: boolean; config: StratusConfig }
  | { command: 'images'; action: 'build'; args: string[]; config: StratusConfig }
  | { command: 'events'; flags: ReadonlyMap<string, string | true>; config: StratusConfig }
  | { command: 'help'; text: string };

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Builds machine images; provided by the machines module via setImagesBuildHandler. */
export type ImagesBuildHandler = (args: string[], config: StratusConfig, io: CliIo) => Promise<number | void>;

let imagesBuild: ImagesBuildHandler | undefined;

/** The hook for `stratus images build ...`; returns an exit code (0 when void). */
export function setImagesBuildHandler(handler: ImagesBuildHandler | undefined): void {
  imagesBuild = handler;
}

type Env = Record<string, string | undefined>;

/**
 * Parses argv (process.argv.slice(2)). Config flags may come before or after the command words.
 * Throws ConfigError (with `usage`) for anything it does not understand.
 */
export function parseCli(argv: readonly string[], env: Env = process.env): CliCommand {
  // `images build` passes options it does not know to its handler, so it is parsed apart.
  const first = firstWord(argv);
  if (first !== undefined && argv[first] === 'images') return parseImages(argv, first, env);
  // `events` takes its own filter flags (src/audit/cli-events.ts).
  if (first !== undefined && argv[first] === 'events') {
    const { flags, positionals } = splitArgs(
      [...argv.slice(0, first), ...argv.slice(first + 1)],
      EVENTS_FLAGS,
    );
    if (positionals.length) throw new ConfigError(`Unexpected argument: ${positionals[0]}`);
    return { command: 'events', flags, config: configFromFlags(flags, env) };
  }
  const { flags, positionals } = splitArgs(argv, { json: 'boolean' });
  if (flags.has('help') || positionals[0] === 'help') return { command: 'help', text: USAGE };
  const json = flags.has('json');
  const [command, action, ...rest] = positionals;
  const config = () => configFromFlags(flags, env);
  if (command === undefined || command === 'serve') {
    if (action !== undefined) throw new ConfigError(`Unexpected argument: ${action}`);
    if (json) throw new ConfigError('Unknown option: --json');
    return { command: 'serve', config: config() };
  }
  if (command === 'accounts') {
    if (action === 'create') {
      if (rest.length !== 1) throw new ConfigError('Usage: stratus accounts create NAME');
      return { command: 'accounts', action, name: rest[0]!, json, config: config() };
    }
    if (action === 'list') {
      if (rest.length) throw new ConfigError(`Unexpected argument: ${rest[0]}`);
      return { command: 'accounts', action, json, config: config() };
    }
    throw new ConfigError(
      action ? `Unknown accounts command: ${action}` : 'Missing accounts command (create or list)',
    );
  }
  throw new ConfigError(`Unknown command: ${command}`);
}

/** Index of the first word that is neither a flag nor a config flag's value. */
function firstWord(argv: readonly string[]): number | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return i + 1 < argv.length ? i + 1 : undefined;
    if (!a.startsWith('-')) return i;
    if (a.startsWith('--') && !a.includes('=') && CONFIG_FLAGS[a.slice(2)] === 'value') i++;
  }
  return undefined;
}

function parseImages(argv: readonly string[], at: number, env: Env): CliCommand {
  const configArgs: string[] = [...argv.slice(0, at)];
  const words: string[] = [];
  const args: string[] = [];
  const rest = argv.slice(at + 1);
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    const name = a.startsWith('--') ? a.slice(2).split('=')[0]! : '';
    if (name && CONFIG_FLAGS[name]) {
      configArgs.push(a);
      if (CONFIG_FLAGS[name] === 'value' && !a.includes('=') && i + 1 < rest.length)
        configArgs.push(rest[++i]!);
    } else if (words.length === 0 && !a.startsWith('-')) words.push(a);
    else args.push(a);
  }
  const { flags, positionals } = splitArgs(configArgs);
  if (flags.has('help') || words.length === 0) return { command: 'help', text: USAGE };
  if (positionals.length) throw new ConfigError(`Unexpected argument: ${positionals[0]}`);
  if (words[0] !== 'build') throw new ConfigError(`Unknown images command: ${words[0]}`);
  return { command: 'images', action: 'build', args, config: configFromFlags(flags, env) };
}

const defaultIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

/**
 * Runs a non-serve command and returns true, or returns false for `serve`. Sets
 * process.exitCode on failure (2 for usage errors, 1 otherwise) instead of exiting, so output
 * is flushed.
 */
export async function runCli(
  argv: readonly string[],
  options: { env?: Env; io?: CliIo } = {},
): Promise<boolean> {
  const io = options.io ?? defaultIo;
  let cmd: CliCommand;
  try {
    cmd = parseCli(argv, options.env ?? process.env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    io.stderr(`stratus: ${e.message}\n\n${USAGE}`);
    process.exitCode = 2;
    return true;
  }
  if (cmd.command === 'serve') return false;
  try {
    const code = await execute(cmd, io);
    if (code) process.exitCode = code;
  } catch (e) {
    io.stderr(`stratus: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
  return true;
}

async function execute(cmd: Exclude<CliCommand, { command: 'serve' }>, io: CliIo): Promise<number> {
  switch (cmd.command) {
    case 'help':
      io.stdout(cmd.text);
      return 0;
    case 'images':
      if (!imagesBuild) {
        io.stderr('stratus: images build is not available in this build of Stratus\n');
        return 1;
      }
      return (await imagesBuild(cmd.args, cmd.config, io)) ?? 0;
    case 'events':
      return runEvents(cmd.flags, cmd.config, io);
    case 'accounts':
      return cmd.action === 'create'
        ? accountsCreate(cmd.name, cmd.json, cmd.config, io)
        : accountsList(cmd.json, cmd.config, io);
  }
}

async function accountsCreate(
  name: string,
  json: boolean,
  config: StratusConfig,
  io: CliIo,
): Promise<number> {
  const stores = await openAdminStores(config);
  try {
    const { account, rootCredential } = await createAccount(stores.accounts, name);
    if (json) {
      io.stdout(
        JSON.stringify({
          AccountId: account.id,
          Name: account.name,
          AccessKeyId: rootCredential.accessKeyId,
          SecretAccessKey: rootCredential.secretAccessKey,
        }) + '\n',
      );
    } else {
      io.stdout(
        `Created account ${account.id} (${account.name}).\n` +
          `Its root access key follows; the secret is shown only this once:\n\n` +
          `export AWS_ACCESS_KEY_ID=${rootCredential.accessKeyId}\n` +
          `export AWS_SECRET_ACCESS_KEY=${rootCredential.secretAccessKey}\n`,
      );
    }
    return 0;
  } catch (e) {
    if (e instanceof ConflictError && e.constraint === 'name') {
      io.stderr(`stratus: an account named ${JSON.stringify(name)} already exists\n`);
      return 1;
    }
    if (e instanceof InvalidAccountNameError) {
      io.stderr(`stratus: ${e.message}\n`);
      return 2;
    }
    throw e;
  } finally {
    await stores.close();
  }
}

async function accountsList(json: boolean, config: StratusConfig, io: CliIo): Promise<number> {
  const stores = await openAdminStores(config);
  try {
    const rows: string[][] = [];
    const out: object[] = [];
    for (const a of await stores.accounts.list()) {
      const keys = (await stores.accounts.listRootCredentials(a.id)).map((k) => k.accessKeyId);
      const created = a.createdAt.toISOString();
      rows.push([a.id, a.name, keys.join(',') || '-', created]);
      out.push({ AccountId: a.id, Name: a.name, RootAccessKeyIds: keys, CreatedAt: created });
    }
    if (json) io.stdout(JSON.stringify(out, null, 2) + '\n');
    else io.stdout(table([['ACCOUNT ID', 'NAME', 'ROOT ACCESS KEY ID', 'CREATED'], ...rows]));
    return 0;
  } finally {
    await stores.close();
  }
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return (
    rows
      .map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('   '))
      .join('\n') + '\n'
  );
}
