/** Runs real AWS clients as child processes: the machine's boto3, Debian's boto3 1.26, the AWS CLI. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** The machine's python3 (boto3 1.43) unless told otherwise. */
export const PYTHON = process.env.STRATUS_TEST_PYTHON ?? 'python3';
/** Debian's python3 with boto3 1.26, when installed. */
export const DEBIAN_PYTHON = '/usr/bin/python3';

export function hasDebianBoto3(): boolean {
  if (!existsSync(DEBIAN_PYTHON)) return false;
  return existsSync('/usr/lib/python3/dist-packages/boto3');
}

/**
 * Runs a Python snippet; the snippet's last expression is not printed, so it should print JSON
 * itself. Errors from botocore come back as {"error": code} via the helper `call`.
 */
export async function python(code: string, env: NodeJS.ProcessEnv, interpreter = PYTHON): Promise<any> {
  const prelude = `
import json, os, sys, boto3
from botocore.config import Config
from botocore.exceptions import ClientError
NO_RETRY = Config(retries={"max_attempts": 1, "mode": "standard"})
ENDPOINT = os.environ["AWS_ENDPOINT_URL"]
def client(service, **kw):
    # Always explicit: Debian's boto3 1.26 predates AWS_ENDPOINT_URL and would call real AWS.
    kw.setdefault("endpoint_url", ENDPOINT)
    kw.setdefault("config", NO_RETRY)
    return boto3.client(service, **kw)
def call(fn, *a, **k):
    try:
        r = fn(*a, **k)
        if isinstance(r, dict): r.pop("ResponseMetadata", None)
        return r
    except ClientError as e:
        return {"error": e.response["Error"]["Code"], "message": e.response["Error"].get("Message"), "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}
def out(v):
    print(json.dumps(v, default=str))
`;
  const r = await run(interpreter, ['-c', prelude + code], env);
  if (r.code !== 0) throw new Error(`python failed (${r.code}): ${r.stderr}`);
  const last = r.stdout.trim().split('\n').pop() ?? 'null';
  return JSON.parse(last);
}

/** AWS CLI v1 (the machine's, via pyenv) or v2 (Debian's awscli package at /usr/bin/aws). */
export const AWS_CLI_V1 = 'aws';
export const AWS_CLI_V2 = '/usr/bin/aws';
export function hasAwsCliV2(): boolean {
  return existsSync(AWS_CLI_V2);
}

/**
 * Runs the AWS CLI against a server. The endpoint is always passed as --endpoint-url: Debian's
 * CLI v2 (2.9) predates AWS_ENDPOINT_URL and would otherwise call the real AWS.
 */
export function awsCli(
  cli: string,
  endpoint: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<RunResult> {
  return run(cli, ['--endpoint-url', endpoint, ...args], env);
}
