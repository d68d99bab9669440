/**
 * Entry point: `stratus` sub-commands (accounts, images) or, by default, the server.
 */
import { runCli, setImagesBuildHandler } from './cli.ts';
import { imagesBuildCommand } from './machines/images-command.ts';
import { loadConfig, ConfigError } from './config.ts';
import { startStratus } from './server/start.ts';
import { VERSION } from './version.ts';

async function main(argv: string[]): Promise<void> {
  setImagesBuildHandler(imagesBuildCommand);
  if (await runCli(argv)) return;
  let config;
  try {
    config = loadConfig(argv, process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`${err.message}\n\n${err.usage}`);
      process.exit(2);
    }
    throw err;
  }
  const stratus = await startStratus(config);
  const started = process.uptime();
  console.log(
    [
      `Stratus ${VERSION} serving S3, IAM, STS, EC2 and CloudTrail at ${stratus.endpoint} (data: ${config.dataDir})`,
      `IAM enforcement: ${config.enforceIam ? 'on' : 'OFF (permissive mode)'}; machines: ${config.machines}`,
      `Root credentials of account ${config.defaultAccountId}:`,
      `  export AWS_ENDPOINT_URL=${stratus.endpoint}`,
      `  export AWS_ACCESS_KEY_ID=${config.rootAccessKeyId}`,
      `  export AWS_SECRET_ACCESS_KEY=${config.rootSecretAccessKey}`,
      `  export AWS_DEFAULT_REGION=${config.region}`,
      `Ready in ${Math.round(started * 1000)} ms.`,
    ].join('\n'),
  );
  const stop = (signal: string) => {
    console.log(`${signal}: shutting down`);
    stratus.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
