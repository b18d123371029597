import { readFile, stat } from 'node:fs/promises';
import type { LoadError } from '../../shared/contract.js';
import { CompileError, compileModule, type CompiledModule } from './compile.js';
import type { ModuleFile } from './discover.js';
import { readSignatures } from './signature.js';
import type { SignatureResult } from './type-ir.js';

/**
 * A module ready to load in a worker: its compiled code and the signatures read from its
 * source. Plain data, cloned into every worker of a generation.
 */
export interface ModuleBuild extends ModuleFile, CompiledModule {
  signatures: Record<string, SignatureResult>;
}

export type BuildResult = { build: ModuleBuild } | { error: LoadError };

interface CacheEntry {
  build: ModuleBuild;
  /** The stamp (mtime and size) of each input when it was built. */
  stamps: Map<string, string>;
}

/**
 * Compiles modules, reusing a module's last build while none of its inputs (its own file and
 * every helper esbuild saw it import) has changed. So a change to a helper rebuilds exactly the
 * modules that import it, and a reload after one edit compiles one module.
 */
export class BuildCache {
  private readonly entries = new Map<string, CacheEntry>();

  async build(file: ModuleFile, apisDir: string): Promise<BuildResult> {
    const cached = this.entries.get(file.file);
    if (cached && cached.build.module === file.module && (await unchanged(cached.stamps))) {
      return { build: cached.build };
    }
    this.entries.delete(file.file);
    try {
      const [compiled, source] = await Promise.all([
        compileModule(file.file, apisDir),
        readFile(file.file, 'utf8'),
      ]);
      const build: ModuleBuild = { ...file, ...compiled, signatures: readSignatures(file.file, source) };
      this.entries.set(file.file, { build, stamps: await stampAll(compiled.inputs) });
      return { build };
    } catch (error) {
      const cause =
        error instanceof CompileError
          ? error.errors[0]!
          : { file: file.relativeFile, message: String(error) };
      return { error: { module: file.module, ...cause } };
    }
  }

  /** Forgets builds of files that are gone. */
  keepOnly(files: readonly ModuleFile[]): void {
    const present = new Set(files.map((file) => file.file));
    for (const key of this.entries.keys()) if (!present.has(key)) this.entries.delete(key);
  }
}

async function stamp(file: string): Promise<string> {
  try {
    const info = await stat(file);
    return `${info.mtimeMs}:${info.ctimeMs}:${info.size}`;
  } catch {
    return 'missing';
  }
}

async function stampAll(files: readonly string[]): Promise<Map<string, string>> {
  return new Map(await Promise.all(files.map(async (file) => [file, await stamp(file)] as const)));
}

async function unchanged(stamps: Map<string, string>): Promise<boolean> {
  const now = await Promise.all([...stamps].map(async ([file, before]) => (await stamp(file)) === before));
  return now.every(Boolean);
}
