// Bundles the headless server into out/server: cli.js (the entry of `npm run serve` and the
// package's `api-deploy` command), with its packages loaded from node_modules, worker.js (the
// threads that run API functions), and api-deploy.d.ts (the types of `import ... from
// 'api-deploy'` for editors of a workspace, the package's `types`).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { apiDeployDeclaration } from './api-deploy-declaration.mjs';

const common = {
  outdir: 'out/server',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
};

// The command installed as `api-deploy` runs the file itself: it must start with the shebang
// (esbuild keeps the entry's; the banner says so should the entry lose it).
const SHEBANG = '#!/usr/bin/env node';
if (!readFileSync('src/server/cli.ts', 'utf8').startsWith(SHEBANG)) {
  throw new Error(`src/server/cli.ts must start with "${SHEBANG}": it is the package's bin`);
}
await build({ ...common, entryPoints: { cli: 'src/server/cli.ts' }, packages: 'external' });
// The worker bundles zod with it: one file to parse starts a worker about a third faster than
// resolving zod's module graph, and spare workers are started on every reload.
await build({ ...common, entryPoints: { worker: 'src/server/exec/worker/worker.ts' } });

// The bundles are ES modules. Node tells so from the nearest package.json; in the packaged app
// the worker runs from app.asar.unpacked, where the project's package.json is not, so out/server
// carries its own.
mkdirSync('out/server', { recursive: true });
writeFileSync('out/server/package.json', '{ "type": "module" }\n');
writeFileSync(
  'out/server/api-deploy.d.ts',
  apiDeployDeclaration(readFileSync('src/server/public.ts', 'utf8')),
);
