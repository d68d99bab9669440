/**
 * Start-up configuration: command-line flags over STRATUS_* environment variables over defaults.
 * Pure (no I/O) so it is cheap to test; `parseCli` (cli.ts) uses the same flag table to tell
 * flags from sub-command words.
 */
import { resolve } from 'node:path';

export type MachinesMode = 'real' | 'metadata' | 'auto';

export const DEFAULT_ACCOUNT_ID = '000000000000';

export interface StratusConfig {
  port: number;
  host: string;
  /** Absolute path; holds stratus.db and blobs/. */
  dataDir: string;
  /** EC2 instance driver: real machines, metadata only, or real when the host allows it. */
  machines: MachinesMode;
  /** false = permissive mode (--no-enforce-iam): requests are authenticated but not authorized. */
  enforceIam: boolean;
  /** Region used when a request does not name one. */
  region: string;
  /** The default account and its root key (from STRATUS_ROOT_*; `test`/`test` by default). */
  defaultAccountId: string;
  rootAccessKeyId: string;
  rootSecretAccessKey: string;
  /** S3: host suffixes naming a bucket virtual-host style (bucket.SUFFIX); undefined = the router's defaults. */
  s3Hosts?: string[];
  /** S3 website endpoints: BUCKET.s3-website[-.REGION].SUFFIX; undefined = localhost, localhost.localstack.cloud. */
  s3WebsiteHosts?: string[];
}

export class ConfigError extends Error {
  readonly usage = USAGE;
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export const USAGE = `Usage: stratus [serve] [options]
       stratus accounts create NAME [options]
       stratus accounts list [--json] [options]
       stratus images build [args...] [options]

Options (environment variable in brackets):
  --port P                 listen port, default 4566 [STRATUS_PORT]
  --host H                 listen address, default 127.0.0.1 [STRATUS_HOST]
  --data-dir DIR           state directory, default ./.stratus [STRATUS_DATA_DIR]
  --machines=MODE          EC2 machines: real, metadata or auto (default) [STRATUS_MACHINES]
  --no-enforce-iam         permissive mode: do not evaluate IAM policies [STRATUS_ENFORCE_IAM=false]
  --region R               default region, default us-east-1 [STRATUS_REGION]
  --s3-hosts LIST          S3 virtual-host suffixes, comma-separated [STRATUS_S3_HOSTS]
  --s3-website-hosts LIST  S3 website endpoint suffixes, default localhost,localhost.localstack.cloud
                           (BUCKET.s3-website.SUFFIX, BUCKET.s3-website-REGION.SUFFIX) [STRATUS_S3_WEBSITE_HOSTS]
  -h, --help               show this text

Root key of the default account 000000000000:
  STRATUS_ROOT_ACCESS_KEY_ID, STRATUS_ROOT_SECRET_ACCESS_KEY (default test / test)
`;

export type FlagKind = 'value' | 'boolean';
/** Every flag loadConfig understands; `value` flags take `--flag V` or `--flag=V`. */
export const CONFIG_FLAGS: Readonly<Record<string, FlagKind>> = {
  port: 'value',
  host: 'value',
  'data-dir': 'value',
  machines: 'value',
  region: 'value',
  's3-hosts': 'value',
  's3-website-hosts': 'value',
  'enforce-iam': 'boolean',
  'no-enforce-iam': 'boolean',
};

type Env = Record<string, string | undefined>;

/**
 * Splits argv (without node and script) into config flags and positional words.
 * Throws ConfigError for unknown flags and missing values. `--` ends flag parsing.
 */
export function splitArgs(
  argv: readonly string[],
  extraFlags: Readonly<Record<string, FlagKind>> = {},
): { flags: Map<string, string | true>; positionals: string[] } {
  const flags = new Map<string, string | true>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h' || arg === '--help') {
      flags.set('help', true);
      continue;
    }
    if (!arg.startsWith('--') || arg === '-') {
      if (arg.startsWith('-') && arg !== '-') throw new ConfigError(`Unknown option: ${arg}`);
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const kind = CONFIG_FLAGS[name] ?? extraFlags[name];
    if (!kind) throw new ConfigError(`Unknown option: --${name}`);
    if (kind === 'boolean') {
      if (eq !== -1) throw new ConfigError(`Option --${name} takes no value`);
      flags.set(name, true);
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) value = argv[++i];
    if (value === undefined || value === '') throw new ConfigError(`Option --${name} needs a value`);
    flags.set(name, value);
  }
  return { flags, positionals };
}

function parsePort(raw: string, source: string): number {
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535)
    throw new ConfigError(`Invalid port ${JSON.stringify(raw)} (${source}): expected 0-65535`);
  return Number(raw);
}

function parseMachines(raw: string, source: string): MachinesMode {
  if (raw === 'real' || raw === 'metadata' || raw === 'auto') return raw;
  throw new ConfigError(
    `Invalid machines mode ${JSON.stringify(raw)} (${source}): expected real, metadata or auto`,
  );
}

function parseBool(raw: string, source: string): boolean {
  const v = raw.toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(`Invalid boolean ${JSON.stringify(raw)} (${source})`);
}

// Region names as AWS spells them (us-east-1, ap-southeast-2, us-gov-west-1, eu-isoe-west-1).
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/**
 * Builds the configuration. argv holds flags only (a leading `serve` word is accepted); env is
 * usually process.env. Throws ConfigError (message + `usage`) for bad input.
 */
export function loadConfig(argv: readonly string[], env: Env = process.env): StratusConfig {
  const { flags, positionals } = splitArgs(argv);
  const extra = positionals[0] === 'serve' ? positionals.slice(1) : positionals;
  if (extra.length) throw new ConfigError(`Unexpected argument: ${extra[0]}`);
  return configFromFlags(flags, env);
}

/** The second half of loadConfig, for callers (parseCli) that split argv themselves. */
export function configFromFlags(
  flags: ReadonlyMap<string, string | true>,
  env: Env = process.env,
): StratusConfig {
  const flag = (name: string) => {
    const v = flags.get(name);
    return typeof v === 'string' ? v : undefined;
  };
  const pick = (name: string, envName: string): [string, string] | undefined => {
    const f = flag(name);
    if (f !== undefined) return [f, `--${name}`];
    const e = env[envName];
    if (e !== undefined && e !== '') return [e, envName];
    return undefined;
  };

  const port = pick('port', 'STRATUS_PORT');
  const host = pick('host', 'STRATUS_HOST');
  const dataDir = pick('data-dir', 'STRATUS_DATA_DIR');
  const machines = pick('machines', 'STRATUS_MACHINES');
  const region = pick('region', 'STRATUS_REGION');
  const hostList = (v: [string, string] | undefined) =>
    v
      ? v[0]
          .split(',')
          .map((h) => h.trim().toLowerCase().replace(/^\.+/, ''))
          .filter(Boolean)
      : undefined;
  const s3Hosts = hostList(pick('s3-hosts', 'STRATUS_S3_HOSTS'));
  const s3WebsiteHosts = hostList(pick('s3-website-hosts', 'STRATUS_S3_WEBSITE_HOSTS'));

  let enforceIam = true;
  if (flags.has('no-enforce-iam') && flags.has('enforce-iam'))
    throw new ConfigError('Options --enforce-iam and --no-enforce-iam contradict each other');
  if (flags.has('no-enforce-iam')) enforceIam = false;
  else if (flags.has('enforce-iam')) enforceIam = true;
  else if (env.STRATUS_ENFORCE_IAM) enforceIam = parseBool(env.STRATUS_ENFORCE_IAM, 'STRATUS_ENFORCE_IAM');

  const regionValue = region?.[0] ?? 'us-east-1';
  if (!REGION.test(regionValue))
    throw new ConfigError(`Invalid region ${JSON.stringify(regionValue)} (${region?.[1]})`);
  const hostValue = host?.[0] ?? '127.0.0.1';
  if (/\s/.test(hostValue)) throw new ConfigError(`Invalid host ${JSON.stringify(hostValue)} (${host?.[1]})`);

  const rootAccessKeyId = env.STRATUS_ROOT_ACCESS_KEY_ID || 'test';
  const rootSecretAccessKey = env.STRATUS_ROOT_SECRET_ACCESS_KEY || 'test';
  if (!/^[\x21-\x7e]{1,128}$/.test(rootAccessKeyId))
    throw new ConfigError('STRATUS_ROOT_ACCESS_KEY_ID must be 1-128 printable characters without spaces');
  if (!/^[\x21-\x7e]{1,128}$/.test(rootSecretAccessKey))
    throw new ConfigError('STRATUS_ROOT_SECRET_ACCESS_KEY must be 1-128 printable characters without spaces');

  return {
    port: port ? parsePort(...port) : 4566,
    host: hostValue,
    dataDir: resolve(dataDir?.[0] ?? '.stratus'),
    machines: machines ? parseMachines(...machines) : 'auto',
    enforceIam,
    region: regionValue,
    defaultAccountId: DEFAULT_ACCOUNT_ID,
    rootAccessKeyId,
    rootSecretAccessKey,
    ...(s3Hosts ? { s3Hosts } : {}),
    ...(s3WebsiteHosts ? { s3WebsiteHosts } : {}),
  };
}

/**
 * A duration setting read from the environment in seconds (tests and demos shorten background
 * schedules with these); the fallback when unset, not a number or not positive.
 */
export function envSeconds(name: string, fallback: number, env: Env = process.env): number {
  const v = Number(env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}
