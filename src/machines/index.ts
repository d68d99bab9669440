/**
 * Entry point for the EC2 API: picks the real driver when the host supports it (or when asked),
 * else the metadata driver. See README.md in this folder.
 */
import { join } from 'node:path';
import type { MachineDriver, MetadataService } from './driver.ts';
import { MetadataDriver } from './metadata/metadata-driver.ts';
import { imageCacheDir } from './real/base-image.ts';
import { detectRealDriverSupport } from './real/detect.ts';
import { RealDriver } from './real/real-driver.ts';

export * from './driver.ts';
export { MetadataDriver } from './metadata/metadata-driver.ts';
export { RealDriver } from './real/real-driver.ts';
export { detectRealDriverSupport } from './real/detect.ts';
export { buildBaseImage, imageCacheDir } from './real/base-image.ts';

export interface CreateDriverOptions {
  /** The server's data dir; machines live under `<dataDir>/machines-real` or `machines-metadata`. */
  dataDir: string;
  /** 'auto' (default): real when supported. Without it, env STRATUS_MACHINES=real|metadata|auto decides. */
  mode?: 'auto' | 'real' | 'metadata';
  imageCacheDir?: string;
  log?: (line: string) => void;
  /** Answers guests' requests to 169.254.169.254 (real machines only). */
  metadataService?: MetadataService;
}

export async function createMachineDriver(
  options: CreateDriverOptions,
): Promise<{ driver: MachineDriver; reason: string }> {
  // An explicit mode (the server's config, which already read flags and env) wins over the env.
  const mode = options.mode ?? (process.env.STRATUS_MACHINES as CreateDriverOptions['mode']) ?? 'auto';
  if (mode !== 'metadata') {
    // The base image lives in `<data-dir>/images` (or STRATUS_IMAGE_CACHE), where `stratus images build` puts it.
    const cache = imageCacheDir(options.dataDir, options.imageCacheDir);
    const support = await detectRealDriverSupport({ imageCacheDir: cache });
    if (support.ok) {
      const driver = new RealDriver({
        dataDir: join(options.dataDir, 'machines-real'),
        imageCacheDir: cache,
        log: options.log,
        metadataService: options.metadataService,
      });
      return { driver, reason: support.reason };
    }
    if (mode === 'real') throw new Error(`real machines unsupported: ${support.reason}`);
    return {
      driver: new MetadataDriver({ dataDir: join(options.dataDir, 'machines-metadata') }),
      reason: support.reason,
    };
  }
  return {
    driver: new MetadataDriver({ dataDir: join(options.dataDir, 'machines-metadata') }),
    reason: 'metadata mode requested',
  };
}
