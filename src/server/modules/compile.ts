import path from 'node:path';
import { build, type Message } from 'esbuild';
import type { LoadError } from '../../shared/contract.js';
import { relativeTo } from './discover.js';

export interface CompiledModule {
  code: string;
  /** The source map of `code`, as JSON text. */
  map: string;
  /** Absolute paths of the user files bundled in (the entry and every helper it imports). */
  inputs: string[];
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

/**
 * Bundles one module with its relative imports into a CommonJS function body. Packages
 * (`api-deploy`, `zod`, anything in node_modules) stay external and are resolved at load time.
 * CommonJS because the code is evaluated with `vm.compileFunction`, which can be collected
 * once a generation is dropped, unlike the ESM loader's cache.
 */
export async function compileModule(file: string, apisDir: string): Promise<CompiledModule> {
  const outfile = path.join(apisDir, '.api-deploy-out', `${path.basename(file)}.cjs`);
  const result = await build({
    entryPoints: [file],
    absWorkingDir: apisDir,
    outfile,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'external',
    sourcesContent: false,
    metafile: true,
    write: false,
    logLevel: 'silent',
    charset: 'utf8',
  }).catch((error: unknown) => {
    const errors = (error as { errors?: Message[] }).errors;
    if (!errors) throw error;
    throw new CompileError(errors.map((message) => toLoadError(message, apisDir)));
  });
  const code = result.outputFiles.find((output) => output.path.endsWith('.cjs'))!.text;
  const map = result.outputFiles.find((output) => output.path.endsWith('.map'))!.text;
  const inputs = Object.keys(result.metafile.inputs)
    .filter((input) => !input.includes('node_modules/'))
    .map((input) => path.resolve(apisDir, input));
  return { code, map, inputs, filename: outfile, source: file };
}

function toLoadError(message: Message, apisDir: string): Omit<LoadError, 'module'> {
  const location = message.location;
  return {
    file: location ? relativeTo(apisDir, path.resolve(apisDir, location.file)) : '',
    line: location?.line,
    column: location ? location.column + 1 : undefined,
    message: message.text,
  };
}

export { relativeTo } from './discover.js';
