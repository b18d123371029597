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
  const results = await Promise.all(files.map((file) => loadModule(file, apisDir)));
  const modules = new Map<string, LoadedModule>();
  const failures = new Map<string, LoadError>();
  for (const result of results) {
    if ('error' in result) {
      if (failures.has(result.error.module) || modules.has(result.error.module)) continue;
      failures.set(result.error.module, result.error);
      const lastGood = previous.modules.get(result.error.module);
      if (lastGood) modules.set(lastGood.module, lastGood);
    } else if (modules.has(result.module) || failures.has(result.module)) {
      const first = modules.get(result.module)!;
      failures.set(result.module, {
        module: result.module,
        file: result.relativeFile,
        message: `two files define module "${result.module}": ${first.relativeFile} and ${result.relativeFile}; rename one`,
      });
    } else {
      modules.set(result.module, result);
    }
  }
  return new Generation(previous.id + 1, modules, failures);
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
