// @ts-check
/**
 * Is out/ older than what it is built from? `npm start` builds only then: a full build bundles
 * Monaco and takes tens of seconds on a small machine, while this check reads a few hundred
 * modification times. A fresh clone, a `git pull` or an edit anywhere in src/ triggers it.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** What `npm run build` reads: the sources, the build scripts and configs, the dependencies. */
export const BUILD_INPUTS = [
  'src',
  'scripts/build-server.mjs',
  'scripts/api-deploy-declaration.ts',
  'scripts/api-deploy-declaration.mjs',
  'electron.vite.config.ts',
  'tsconfig.json',
  'tsconfig.web.json',
  'package.json',
  'package-lock.json',
];

/**
 * What `npm run build` writes; the main process and preload only once their entries exist.
 * @param {string} root
 */
export function buildOutputs(root) {
  const outputs = ['out/server/cli.js', 'out/server/worker.js', 'out/renderer/index.html'];
  if (existsSync(path.join(root, 'src/main/index.ts'))) outputs.push('out/main/index.js');
  if (existsSync(path.join(root, 'src/preload/index.ts'))) outputs.push('out/preload/index.cjs');
  return outputs;
}

/**
 * Why the project must be built before it runs, or undefined when out/ is up to date.
 * @param {string} root
 * @returns {string | undefined}
 */
export function buildReason(root) {
  let oldestOutput = Infinity;
  for (const output of buildOutputs(root)) {
    const time = mtime(path.join(root, output));
    if (time === undefined) return `${output} is missing`;
    oldestOutput = Math.min(oldestOutput, time);
  }
  for (const input of BUILD_INPUTS) {
    const changed = newerThan(path.join(root, input), oldestOutput);
    if (changed)
      return `${path.relative(root, changed).split(path.sep).join('/')} changed since the last build`;
  }
  return undefined;
}

/**
 * The first file or folder at or under `file` modified after `time`.
 * @param {string} file
 * @param {number} time
 * @returns {string | undefined}
 */
function newerThan(file, time) {
  let stats;
  try {
    stats = statSync(file);
  } catch {
    return undefined;
  }
  // A folder's own time changes when a file in it is added, removed or renamed.
  if (stats.mtimeMs > time) return file;
  if (!stats.isDirectory()) return undefined;
  for (const entry of readdirSync(file)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    const changed = newerThan(path.join(file, entry), time);
    if (changed) return changed;
  }
  return undefined;
}

/** @param {string} file */
function mtime(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}
