import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { HttpError } from '../http/errors.js';
import type { CallFailure, CallResult, ModuleReport, Task, WorkerData, WorkerModule } from './protocol.js';

export interface PoolOptions {
  /** The built worker script (`out/server/worker.js`). */
  workerFile: string;
  apisDir: string;
  /** Workers kept running. */
  threads: number;
  /** Workers at most, when calls queue up (each runs one call at a time). */
  maxThreads: number;
  /** Heap limit of one worker; a function that needs more fails with 500. */
  memoryMb: number;
  /** How long loading all modules may take before the one loading is declared hung. */
  loadTimeoutMs: number;
}

/** A module that never finished loading (an endless loop at its top level, say). */
export class LoadHangError extends Error {
  constructor(readonly moduleIndex: number) {
    super('module load did not finish');
  }
}

/** A call that failed inside the worker, with the details kept for the log. */
export class CallError extends HttpError {
  constructor(readonly failure: CallFailure) {
    super(failure.code, failure.message, failure.details, failure.status);
  }
}

/**
 * The workers of one registry generation. Each runs one call at a time, so a function that
 * blocks holds only its own worker; a call past its time limit is aborted, which ends that
 * worker and lets piscina start a fresh one. When the generation is replaced, its pool is
 * retired: it finishes the calls it has, then its workers (and all their module state) go.
 */
export class GenerationPool {
  private active = 0;
  private retired = false;
  private closed: Promise<void> | undefined;

  private constructor(
    private readonly piscina: Piscina<Task, ModuleReport[] | CallResult>,
    readonly reports: ModuleReport[],
  ) {}

  /** Starts the workers, which load the modules, and reads what loaded. */
  static async start(modules: WorkerModule[], options: PoolOptions): Promise<GenerationPool> {
    const progress = new SharedArrayBuffer(4);
    const workerData: WorkerData = { apisDir: options.apisDir, modules, progress };
    const piscina = new Piscina<Task, ModuleReport[] | CallResult>({
      filename: options.workerFile,
      minThreads: options.threads,
      maxThreads: Math.max(options.threads, options.maxThreads),
      idleTimeout: 30_000,
      resourceLimits: { maxOldGenerationSizeMb: options.memoryMb },
      workerData,
    });
    const signal = AbortSignal.timeout(options.loadTimeoutMs);
    try {
      const reports = (await piscina.run({ kind: 'describe' }, { signal })) as ModuleReport[];
      return new GenerationPool(piscina, reports);
    } catch (error) {
      await piscina.destroy();
      const loading = Atomics.load(new Int32Array(progress), 0);
      if (signal.aborted && loading > 0) throw new LoadHangError(loading - 1);
      throw error;
    }
  }

  /** Runs a call; resolves to the result's JSON text or throws an HttpError. */
  async call(path: string, body: Record<string, unknown>, timeoutMs: number): Promise<string> {
    if (this.closed) throw new HttpError('INTERNAL_ERROR', 'this generation has been replaced');
    this.active++;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const result = (await this.piscina.run(
        { kind: 'call', path, body },
        { signal: controller.signal },
      )) as CallResult;
      if (result.ok) return result.json;
      throw new CallError(result.failure);
    } catch (error) {
      if (error instanceof HttpError) throw error;
      if (controller.signal.aborted) {
        throw new HttpError('FUNCTION_TIMEOUT', `${path} did not finish within ${timeoutMs} ms`);
      }
      throw new CallError(workerLost(error));
    } finally {
      clearTimeout(timer);
      this.active--;
      if (this.retired && this.active === 0) void this.close();
    }
  }

  /** No new calls will come: close once the calls in progress have finished. */
  retire(): void {
    this.retired = true;
    if (this.active === 0) void this.close();
  }

  close(): Promise<void> {
    this.closed ??= this.piscina.destroy();
    return this.closed;
  }
}

/** A worker that died under a call: out of memory, or ended some other way. */
function workerLost(error: unknown): CallFailure {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message =
    code === 'ERR_WORKER_OUT_OF_MEMORY'
      ? 'the function ran out of memory (raise workerMemoryMb in the config if it needs more)'
      : `the function's worker stopped unexpectedly: ${error instanceof Error ? error.message : String(error)}`;
  return {
    code: 'FUNCTION_ERROR',
    status: 500,
    message,
    expose: false,
    stack: error instanceof Error ? error.stack : undefined,
  };
}

/**
 * Where the worker script is: beside the running bundle (`out/server/cli.js` and `worker.js`),
 * or, when running from the TypeScript sources (tests), the one `npm run build:server` made.
 */
export function defaultWorkerFile(): string {
  const candidates = [
    new URL('./worker.js', import.meta.url),
    new URL('../../../out/server/worker.js', import.meta.url),
  ].map((url) => fileURLToPath(url));
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) {
    throw new Error(
      `the worker script is missing (looked for ${candidates.join(', ')}); run "npm run build:server"`,
    );
  }
  return found;
}
