import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { build, type Loader, type Message, type Plugin } from 'esbuild';
import type { LoadError } from '../../shared/contract.js';
import { relativeTo } from './discover.js';

export interface CompiledModule {
  code: string;
  /** The source map of `code`, as JSON text. */
  map: string;
  /**
   * The user files bundled in (the entry and every helper it imports), each with the stamp
   * (mtime and size) it had when it was read for this build.
   */
  inputs: Record<string, string>;
  /** The text of the module's own file, as compiled. */
  sourceText: string;
  /** The virtual file name the code is evaluated under; stack frames name it. */
  filename: string;
  /** Absolute path of the module's own file (the entry point). */
  source: string;
}

export class CompileError extends Error {
  constructor(readonly errors: Omit<LoadError, 'module'>[]) {
    super(errors.map((error) => error.message).join('; '));
    this.name = 'CompileError';
  }
}

/** A file's stamp: what tells a later look whether it changed. */
export const stampOf = (info: { mtimeMs: number; size: number }) => `${info.mtimeMs}:${info.size}`;

const LOADERS: Record<string, Loader> = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.json': 'json' };

/**
 * Bundles one module with its relative imports into a CommonJS function body. Packages
 * (`api-deploy`, `zod`, anything in node_modules) stay external and are resolved at load time.
 * CommonJS because the code is evaluated with `vm.compileFunction`, which can be collected
 * once a generation is dropped, unlike the ESM loader's cache.
 */
export async function compileModule(file: string, apisDir: string): Promise<CompiledModule> {
  const outfile = path.join(apisDir, '.api-deploy-out', `${path.basename(file)}.cjs`);
  const read = new Map<string, { stamp: string; text: string }>();
  const result = await build({
    ...bundleOptions(apisDir),
    entryPoints: [file],
    outfile,
    sourcemap: 'external',
    sourcesContent: false,
    metafile: true,
    plugins: [recordReads(read)],
  }).catch((error: unknown) => {
    const errors = (error as { errors?: Message[] }).errors;
    if (!errors) throw error;
    throw new CompileError(errors.map((message) => toLoadError(message, apisDir)));
  });
  const code = result.outputFiles.find((output) => output.path.endsWith('.cjs'))!.text;
  const map = result.outputFiles.find((output) => output.path.endsWith('.map'))!.text;
  const inputs = Object.fromEntries([...read].map(([input, { stamp }]) => [input, stamp]));
  return { code, map, inputs, sourceText: read.get(file)?.text ?? '', filename: outfile, source: file };
}

/** How a module is bundled, for loading and for checking alike. */
export function bundleOptions(apisDir: string) {
  return {
    absWorkingDir: apisDir,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    charset: 'utf8',
  } as const;
}

/**
 * Reads every user file for esbuild, stamping it first, so the build cache knows exactly which
 * version of each file a build was made from: a save landing mid-build makes the stamp older
 * than the file, and the next reload builds again rather than keep a stale build.
 */
function recordReads(read: Map<string, { stamp: string; text: string }>): Plugin {
  return {
    name: 'api-deploy-record-reads',
    setup(build) {
      build.onLoad({ filter: /.*/, namespace: 'file' }, async ({ path: file }) => {
        const info = await stat(file);
        const text = await readFile(file, 'utf8');
        read.set(file, { stamp: stampOf(info), text });
        return {
          contents: text,
          loader: LOADERS[path.extname(file)] ?? 'js',
          resolveDir: path.dirname(file),
        };
      });
    },
  };
}

export function toLoadError(message: Message, apisDir: string): Omit<LoadError, 'module'> {
  const location = message.location;
  return {
    file: location ? relativeTo(apisDir, path.resolve(apisDir, location.file)) : '',
    line: location?.line,
    column: location ? location.column + 1 : undefined,
    message: message.text,
  };
}

export { relativeTo } from './discover.js';
