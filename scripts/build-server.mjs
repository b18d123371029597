// Bundles the headless server into out/server: cli.js (the entry of `npm run serve`) and
// worker.js (the worker threads that run API functions). Packages stay external and load from
// node_modules, so the build takes well under a second.
import { build } from 'esbuild';

await build({
  entryPoints: { cli: 'src/server/cli.ts', worker: 'src/server/exec/worker.ts' },
  outdir: 'out/server',
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
});
