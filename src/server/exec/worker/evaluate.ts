import { createRequire, SourceMap } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import * as zod from 'zod';
import * as publicApi from '../../public.js';
import type { CompiledModule } from '../../load/compile.js';
import { packageNameOf } from '../../core/package-name.js';

type EvaluableModule = Pick<CompiledModule, 'code' | 'map' | 'filename' | 'source'>;

/** Where an error thrown while a module loads points to in the user's own source. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

export class ModuleLoadError extends Error {
  constructor(
    message: string,
    readonly location?: SourceLocation,
    /** The npm package the module imports and the workspace does not have. */
    readonly missingPackage?: string,
  ) {
    super(message);
    this.name = 'ModuleLoadError';
  }
}

/** Where a module's imports resolve from. */
export interface ResolveFrom {
  apisDir: string;
  /** The workspace's own packages (`.api-deploy/packages`), looked in first. */
  packagesDir: string;
}

/** A package that is not installed, for the error that names it. */
class MissingPackageError extends Error {
  constructor(readonly packageName: string) {
    super(
      `the package "${packageName}" is not installed in this workspace: install it in the Packages view (or POST /api/packages {"name": "${packageName}"})`,
    );
    this.name = 'MissingPackageError';
  }
}

/**
 * Runs a compiled module and returns its exports. `api-deploy` and `zod` resolve to the
 * runtime's own copies (one zod for user schemas and the runtime's JSON Schema conversion);
 * other packages resolve from the workspace's packages, then from the APIs folder as Node
 * would resolve them (a `node_modules` beside or above it).
 */
export function evaluateModule(compiled: EvaluableModule, from: ResolveFrom): Record<string, unknown> {
  const projectRequire = createRequire(path.join(from.apisDir, '__api-deploy__.js'));
  const lookIn = [from.packagesDir, from.apisDir];
  const userRequire = (id: string): unknown => {
    if (id === 'api-deploy') return publicApi;
    if (id === 'zod' || id === 'zod/v4') return zod;
    let resolved: string;
    try {
      resolved = projectRequire.resolve(id, { paths: lookIn });
    } catch (error) {
      const name = packageNameOf(id);
      if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && name) {
        throw new MissingPackageError(name);
      }
      throw error;
    }
    return projectRequire(resolved);
  };
  const module = { exports: {} as Record<string, unknown> };
  try {
    const run = vm.compileFunction(
      compiled.code,
      ['exports', 'require', 'module', '__filename', '__dirname'],
      {
        filename: compiled.filename,
      },
    );
    run(module.exports, userRequire, module, compiled.filename, path.dirname(compiled.source));
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : `threw ${String(error)}`;
    const missing = error instanceof MissingPackageError ? error.packageName : undefined;
    throw new ModuleLoadError(message, locate(error, compiled), missing);
  }
  return module.exports;
}

/** Maps the first stack frame inside the compiled bundle back to the user's file and line. */
export function locate(error: unknown, compiled: EvaluableModule): SourceLocation | undefined {
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  const escaped = compiled.filename.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const frame = new RegExp(`${escaped}:(\\d+):(\\d+)`).exec(stack);
  if (!frame) return undefined;
  const map = new SourceMap(JSON.parse(compiled.map));
  const entry = map.findEntry(Number(frame[1]) - 1, Number(frame[2]) - 1);
  if (!('originalSource' in entry) || !entry.originalSource) return undefined;
  return {
    file: path.resolve(path.dirname(compiled.filename), entry.originalSource),
    line: entry.originalLine + 1,
    column: entry.originalColumn + 1,
  };
}
