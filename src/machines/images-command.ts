/**
 * `stratus images build [--force] [--cache-dir DIR]`: builds the real driver's base image
 * ahead of time (else the first launch does it), into STRATUS_IMAGE_CACHE or <data-dir>/images.
 */
import type { ImagesBuildHandler } from '../cli.ts';
import { buildBaseImage, imageCacheDir } from './real/base-image.ts';
import { detectRealDriverSupport } from './real/detect.ts';

export const imagesBuildCommand: ImagesBuildHandler = async (args, config, io) => {
  let force = false;
  let cacheDir: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--force') force = true;
    else if (a === '--cache-dir' && args[i + 1]) cacheDir = args[++i];
    else if (a.startsWith('--cache-dir=')) cacheDir = a.slice('--cache-dir='.length);
    else {
      io.stderr(
        `stratus images build: unknown argument ${a}\nusage: stratus images build [--force] [--cache-dir DIR]\n`,
      );
      return 2;
    }
  }
  const dir = imageCacheDir(config.dataDir, cacheDir);
  // Building needs what running needs (root, debootstrap, zstd); say what is missing first.
  const support = await detectRealDriverSupport({ imageCacheDir: force ? `${dir}/.none` : dir });
  if (!support.ok) {
    io.stderr(`stratus images build: ${support.reason}\n`);
    return 1;
  }
  const r = await buildBaseImage({ cacheDir: dir, force, log: (line) => io.stdout(`${line}\n`) });
  const size = `${(r.bytes / 1e6).toFixed(1)} MB`;
  io.stdout(
    r.built
      ? `base image: ${r.path} (${size}, ${r.seconds.toFixed(1)} s)\n`
      : `base image already built: ${r.path} (${size})\n`,
  );
  return 0;
};
