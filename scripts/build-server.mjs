// Bundles the headless server into out/server: cli.js (the entry of `npm run serve`), with its
// packages loaded from node_modules, and worker.js (the threads that run API functions).
import { mkdirSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const common = {
  outdir: 'out/server',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
};

await build({ ...common, entryPoints: { cli: 'src/server/cli.ts' }, packages: 'external' });
// The worker bundles zod with it: one file to parse starts a worker about a third faster than
// resolving zod's module graph, and spare workers are started on every reload.
await build({ ...common, entryPoints: { worker: 'src/server/exec/worker/worker.ts' } });

// The bundles are ES modules. Node tells so from the nearest package.json; in the packaged app
// the worker runs from app.asar.unpacked, where the project's package.json is not, so out/server
// carries its own.
mkdirSync('out/server', { recursive: true });
writeFileSync('out/server/package.json', '{ "type": "module" }\n');
