/**
 * Starts a real Stratus server for end-to-end tests: in-process on a random loopback port with a
 * temporary data dir, root credentials `test`/`test` of account 000000000000.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { startStratus, type RunningStratus } from '../../src/server/start.ts';

export interface TestServer extends RunningStratus {
  dataDir: string;
  /** Root credentials of the default account. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Environment for child-process clients (boto3, aws cli). */
  env(extra?: Record<string, string>): NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

export async function startTestServer(args: string[] = [], dataDir?: string): Promise<TestServer> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'stratus-test-'));
  // Tests get the metadata machine driver unless they ask for another: real machines need a
  // built base image and are tested on their own (test/machines, test/e2e/ec2-real).
  const machines = args.some((a) => a.startsWith('--machines')) ? [] : ['--machines', 'metadata'];
  const config = loadConfig(['--port', '0', '--data-dir', dir, ...machines, ...args], {});
  const running = await startStratus(config);
  const credentials = { accessKeyId: config.rootAccessKeyId, secretAccessKey: config.rootSecretAccessKey };
  return {
    ...running,
    dataDir: dir,
    credentials,
    env: (extra = {}) => ({
      ...process.env,
      AWS_ENDPOINT_URL: running.endpoint,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_EC2_METADATA_DISABLED: 'true',
      ...extra,
    }),
    async stop() {
      await running.close();
      if (!dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Client config for @aws-sdk/* v3 clients against a test server. */
export function sdkConfig(
  server: TestServer,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = server.credentials,
  region = 'us-east-1',
) {
  return {
    endpoint: server.endpoint,
    region,
    credentials,
    forcePathStyle: true,
    maxAttempts: 1,
  };
}
