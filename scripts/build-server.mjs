// Bundles the headless server (src/server/cli.ts) into out/server/cli.js. Packages stay
// external and load from node_modules, so the build takes well under a second.
import { build } from 'esbuild';

await build({
  entryPoints: { cli: 'src/server/cli.ts' },
  outdir: 'out/server',
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
});
