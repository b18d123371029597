import { stat } from 'node:fs/promises';
import type { LoadError } from '../../shared/contract.js';
import { CompileError, compileModule, stampOf, type CompiledModule } from './compile.js';
import type { ModuleFile } from './discover.js';
import { readSignatures } from '../params/signature.js';
import type { SignatureResult } from '../params/type-ir.js';

/**
 * A module ready to load in a worker: its compiled code and the signatures read from its
 * source. Plain data, cloned into every worker of a generation.
 */
export interface ModuleBuild extends ModuleFile, Omit<CompiledModule, 'sourceText'> {
  signatures: Record<string, SignatureResult>;
}

/** A module's build (`compiled` when it was compiled for this result, not reused), or its error. */
export type BuildResult = { build: ModuleBuild; compiled?: true } | { error: LoadError };

/**
 * Compiles modules, reusing a module's last build while none of its inputs (its own file and
 * every helper esbuild read for it) has changed. So a change to a helper rebuilds exactly the
 * modules that import it, and a reload after one edit compiles one module.
 */
export class BuildCache {
  private readonly builds = new Map<string, ModuleBuild>();
  /**
   * Builds whose loading never finished (an endless loop at their top level): not loaded again,
   * so they cost the load time limit once, not on every reload. A change to the module or to a
   * file it imports makes a new build, which is tried.
   */
  private readonly hung = new WeakSet<ModuleBuild>();

  markHung(build: ModuleBuild): void {
    this.hung.add(build);
  }

  hasHung(build: ModuleBuild): boolean {
    return this.hung.has(build);
  }

  async build(file: ModuleFile, apisDir: string): Promise<BuildResult> {
    const cached = this.builds.get(file.file);
    if (cached && cached.module === file.module && (await unchanged(cached.inputs))) return { build: cached };
    this.builds.delete(file.file);
    try {
      const { sourceText, ...compiled } = await compileModule(file.file, apisDir);
      const build: ModuleBuild = { ...file, ...compiled, signatures: readSignatures(file.file, sourceText) };
      this.builds.set(file.file, build);
      return { build, compiled: true };
    } catch (error) {
      const cause =
        error instanceof CompileError
          ? error.errors[0]!
          : { file: file.relativeFile, message: String(error) };
      return { error: { module: file.module, ...cause } };
    }
  }

  /**
   * A build made elsewhere (by a cluster's compiling process): the one held for its file when it
   * is the same, so that a build is still recognized as the same one from plan to plan (a hung
   * build is not loaded again; a fallback is not its own build).
   */
  adopt(build: ModuleBuild): ModuleBuild {
    const held = this.builds.get(build.file);
    if (held && held.code === build.code && JSON.stringify(held.inputs) === JSON.stringify(build.inputs)) {
      return held;
    }
    this.builds.set(build.file, build);
    return build;
  }

  /** Forgets builds of files that are gone. */
  keepOnly(files: readonly ModuleFile[]): void {
    const present = new Set(files.map((file) => file.file));
    for (const key of this.builds.keys()) if (!present.has(key)) this.builds.delete(key);
  }
}

async function unchanged(inputs: Record<string, string>): Promise<boolean> {
  const checks = Object.entries(inputs).map(async ([file, stamp]) => {
    try {
      return stampOf(await stat(file)) === stamp;
    } catch {
      return false;
    }
  });
  return (await Promise.all(checks)).every(Boolean);
}
