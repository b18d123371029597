import { readFile } from 'node:fs/promises';
import type { LoadError } from '../../shared/contract.js';
import { CompileError, compileModule, relativeTo } from './compile.js';
import { describeModule } from './describe.js';
import { discoverModules, moduleNameProblem, type ModuleFile } from './discover.js';
import { evaluateModule, ModuleLoadError } from './evaluate.js';
import { Generation, type LoadedModule } from './registry.js';
import { readSignatures } from './signature.js';

/**
 * Builds the next registry generation from the files in `apisDir`. Every module is compiled,
 * evaluated and described before the generation exists; a module that fails keeps its version
 * from `previous` (the last good one) and is listed with its error. One module's failure never
 * affects another.
 */
export async function loadGeneration(apisDir: string, previous: Generation): Promise<Generation> {
  const files = await discoverModules(apisDir);
  const clashes = clashingModules(files);
  const results = await Promise.all(
    files.filter((file) => !clashes.has(file.module)).map((file) => loadModule(file, apisDir)),
  );
  const modules = new Map<string, LoadedModule>();
  const failures = new Map<string, LoadError>(clashes);
  for (const result of results) {
    if ('error' in result) failures.set(result.error.module, result.error);
    else modules.set(result.module, result);
  }
  for (const module of failures.keys()) {
    const lastGood = previous.modules.get(module);
    if (lastGood) modules.set(module, lastGood);
  }
  return new Generation(previous.id + 1, modules, failures);
}

/** Modules defined by more than one file (`x.ts` beside `x.js`): neither is loaded. */
function clashingModules(files: ModuleFile[]): Map<string, LoadError> {
  const byModule = new Map<string, ModuleFile[]>();
  for (const file of files) byModule.set(file.module, [...(byModule.get(file.module) ?? []), file]);
  const clashes = new Map<string, LoadError>();
  for (const [module, group] of byModule) {
    if (group.length < 2) continue;
    const names = group.map((file) => file.relativeFile);
    clashes.set(module, {
      module,
      file: names[0]!,
      message: `${names.join(' and ')} both define module "${module}"; rename or remove one`,
    });
  }
  return clashes;
}

async function loadModule(file: ModuleFile, apisDir: string): Promise<LoadedModule | { error: LoadError }> {
  const fail = (error: Omit<LoadError, 'module'>) => ({ error: { module: file.module, ...error } });
  const nameProblem = moduleNameProblem(file.module);
  if (nameProblem) return fail({ file: file.relativeFile, message: nameProblem });
  try {
    const [compiled, source] = await Promise.all([
      compileModule(file.file, apisDir),
      readFile(file.file, 'utf8'),
    ]);
    const exports = evaluateModule(compiled, apisDir);
    const endpoints = describeModule({
      module: file.module,
      file: file.file,
      relativeFile: file.relativeFile,
      exports,
      signatures: readSignatures(file.file, source),
    });
    return { ...file, endpoints, inputs: compiled.inputs, loadedAt: Date.now() };
  } catch (error) {
    if (error instanceof CompileError) return fail(error.errors[0]!);
    if (error instanceof ModuleLoadError) {
      const location = error.location;
      return fail({
        file: location ? relativeTo(apisDir, location.file) : file.relativeFile,
        line: location?.line,
        column: location?.column,
        message: error.message,
      });
    }
    return fail({ file: file.relativeFile, message: error instanceof Error ? error.message : String(error) });
  }
}
