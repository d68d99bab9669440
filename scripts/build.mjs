// Bundles the server into dist/ with esbuild (about 100 ms), so `npm start` needs no tsc run.
import { build } from 'esbuild';

await build({
  // The hashing thread loads its own small bundle (src/protocol/streaming/hash-offload.ts).
  entryPoints: { main: 'src/main.ts', 'hash-worker': 'src/protocol/streaming/hash-worker.ts' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  outdir: 'dist',
  sourcemap: true,
  logLevel: 'warning',
});
