import type { LoadError } from '../../shared/contract.js';
import { BuildCache, type ModuleBuild } from './build.js';
import { discoverModules, moduleNameProblem, type ModuleFile } from './discover.js';
import { Generation, type ServingModule } from './registry.js';
import {
  LoadHangError,
  type GenerationRunner,
  type ModuleReport,
  type StartRunner,
  type WorkerModule,
} from './served.js';

export interface LoaderOptions {
  /** Starts the workers that load the modules (the worker pool). */
  start: StartRunner;
  /** How long loading may take before the module loading is declared hung (for its message). */
  loadTimeoutMs: number;
}

/**
 * What the next generation is made of, before it is loaded: the modules that cannot be served,
 * and each other module's build or compile error. Plain data: a cluster's compiling process sends
 * it to the others, which load it without compiling.
 */
export interface GenerationPlan {
  /** Modules that cannot be served whatever their content (reserved or bad names, duplicates). */
  unservable: LoadError[];
  /** One per other module: its build, or why it did not compile. */
  results: ({ build: ModuleBuild } | { error: LoadError })[];
  /** The modules compiled for this plan; the others' builds were reused. */
  compiled: string[];
}

/**
 * Compiles the modules in `apisDir` into the next generation's plan, reusing builds whose inputs
 * did not change.
 */
export async function planGeneration(apisDir: string, cache: BuildCache): Promise<GenerationPlan> {
  const files = await discoverModules(apisDir);
  cache.keepOnly(files);
  const unservableNow = unservable(files);
  const built = await Promise.all(
    files.filter((file) => !unservableNow.has(file.module)).map((file) => cache.build(file, apisDir)),
  );
  return {
    unservable: [...unservableNow.values()],
    results: built.map((result) => ('error' in result ? { error: result.error } : { build: result.build })),
    compiled: built.flatMap((result) =>
      'compiled' in result && result.compiled ? [result.build.module] : [],
    ),
  };
}

/**
 * Builds the next registry generation from a plan: a fresh worker pool loads its builds and
 * reports what each serves. A module that fails keeps its last good build from `previous`, and
 * is listed with its error; one module's failure never affects another.
 */
export async function loadGeneration(
  options: LoaderOptions,
  previous: Generation,
  cache: BuildCache,
  plan: GenerationPlan,
): Promise<Generation> {
  const failures = new Map<string, LoadError>(plan.unservable.map((error) => [error.module, error]));
  const results = plan.results;

  let entries: WorkerModule[] = [];
  for (const result of results) {
    if ('error' in result) {
      failures.set(result.error.module, result.error);
      const lastGood = previous.modules.get(result.error.module)?.build;
      if (lastGood) entries.push({ build: lastGood });
    } else {
      entries.push({ build: result.build, fallback: previous.modules.get(result.build.module)?.build });
    }
  }
  // A build that hung before is not loaded again: it serves its last good build, if any.
  entries = entries.flatMap((entry) => (cache.hasHung(entry.build) ? leaveOut(entry) : [entry]));

  // A module that hangs while loading is left out (its last good build, if any, stays in) and
  // the pool started again: each retry removes one module, so this ends.
  for (;;) {
    try {
      const { pool, reports } = await options.start(entries);
      return assemble(previous.id + 1, entries, pool, reports, failures);
    } catch (error) {
      if (!(error instanceof LoadHangError)) throw error;
      const hung = entries[error.moduleIndex]!;
      cache.markHung(hung.build);
      entries = [...entries.filter((entry) => entry !== hung), ...leaveOut(hung)];
    }
  }

  /** A hung build's entry taken out: its failure noted, its last good build (if any) instead. */
  function leaveOut({ build, fallback }: WorkerModule): WorkerModule[] {
    failures.set(build.module, {
      module: build.module,
      file: build.relativeFile,
      message: `loading did not finish within ${options.loadTimeoutMs} ms: is there an endless loop at the top level of the module or of a file it imports? It is tried again when one of them changes`,
    });
    return fallback && fallback !== build && !cache.hasHung(fallback) ? [{ build: fallback }] : [];
  }
}

function assemble(
  id: number,
  entries: WorkerModule[],
  pool: GenerationRunner,
  reports: ModuleReport[],
  failures: Map<string, LoadError>,
): Generation {
  const modules = new Map<string, ServingModule>();
  const builds = new Map<string, WorkerModule>(entries.map((entry) => [entry.build.module, entry]));
  for (const report of reports) {
    if (report.error) failures.set(report.module, report.error);
    const entry = builds.get(report.module)!;
    const build: ModuleBuild | undefined = report.serving === 'fallback' ? entry.fallback : entry.build;
    if (report.serving !== 'none' && build) {
      modules.set(report.module, { module: report.module, build, endpoints: report.endpoints });
    }
  }
  return new Generation(id, modules, failures, pool);
}

/** Modules that cannot be served whatever their content: reserved or bad names, two files for one name. */
export function unservable(files: ModuleFile[]): Map<string, LoadError> {
  const problems = new Map<string, LoadError>();
  const byModule = new Map<string, ModuleFile[]>();
  for (const file of files) byModule.set(file.module, [...(byModule.get(file.module) ?? []), file]);
  for (const [module, group] of byModule) {
    const names = group.map((file) => file.relativeFile);
    const nameProblem = moduleNameProblem(module);
    if (nameProblem) problems.set(module, { module, file: names[0]!, message: nameProblem });
    else if (group.length > 1) {
      problems.set(module, {
        module,
        file: names[0]!,
        message: `${names.join(' and ')} both define module "${module}"; rename or remove one`,
      });
    }
  }
  return problems;
}
