// Bundles the server into dist/ with esbuild (about 100 ms), so `npm start` needs no tsc run.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/main.ts'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  outfile: 'dist/main.js',
  sourcemap: true,
  logLevel: 'warning',
});
