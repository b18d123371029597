/**
 * A worker of a generation's pool (piscina). On start it loads every module of the generation;
 * then it answers `describe` (what loaded, with the registry's data) and `call` tasks.
 * User code runs only here, never on the HTTP thread.
 */
import { workerData } from 'piscina';
import type { LoadError } from '../../shared/contract.js';
import type { ModuleBuild } from '../modules/build.js';
import { relativeTo } from '../modules/compile.js';
import { describeModule, type CallableEndpoint } from '../modules/describe.js';
import { evaluateModule, ModuleLoadError } from '../modules/evaluate.js';
import { callEndpoint, errorMessage, thrown } from './call.js';
import type { CallResult, ModuleReport, Task, WorkerData, WorkerModule } from './protocol.js';

const data = workerData as WorkerData;

/** Fails the call in progress, if any, when user code crashes outside it (a timer, a callback). */
let failCurrentCall: ((error: unknown) => void) | undefined;

// A user's process.exit() would end this worker; make it an error of the call instead.
process.exit = ((code?: number) => {
  throw new Error(`process.exit(${code ?? ''}) was called; an API function cannot stop the server`);
}) as typeof process.exit;

for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (error: unknown) => {
    if (failCurrentCall) failCurrentCall(error);
    else console.error(`api-deploy worker: ${event} outside a call: ${errorMessage(error)}`);
  });
}

const endpoints = new Map<string, CallableEndpoint>();
const progress = new Int32Array(data.progress);
const reports: ModuleReport[] = data.modules.map((entry, index) => {
  Atomics.store(progress, 0, index + 1);
  return loadEntry(entry);
});
Atomics.store(progress, 0, 0);

function loadEntry({ build, fallback }: WorkerModule): ModuleReport {
  const loaded = load(build);
  if (!('error' in loaded)) return register(build, 'build', loaded);
  const lastGood = fallback && load(fallback);
  if (fallback && lastGood && !('error' in lastGood)) {
    return { ...register(fallback, 'fallback', lastGood), error: loaded.error };
  }
  return { module: build.module, serving: 'none', endpoints: [], error: loaded.error };
}

function load(build: ModuleBuild): CallableEndpoint[] | { error: LoadError } {
  try {
    const exports = evaluateModule(build, data.apisDir);
    return describeModule({ ...build, exports, signatures: build.signatures });
  } catch (error) {
    const location = error instanceof ModuleLoadError ? error.location : undefined;
    return {
      error: {
        module: build.module,
        file: location ? relativeTo(data.apisDir, location.file) : build.relativeFile,
        line: location?.line,
        column: location?.column,
        message: error instanceof Error ? error.message : String(error),
      },
    };
  }
}

function register(
  build: ModuleBuild,
  serving: ModuleReport['serving'],
  loaded: CallableEndpoint[],
): ModuleReport {
  for (const endpoint of loaded) endpoints.set(endpoint.info.path, endpoint);
  return {
    module: build.module,
    serving,
    endpoints: loaded.map(({ info, timeoutMs }) => ({ info, timeoutMs })),
  };
}

export default function handle(task: Task): ModuleReport[] | Promise<CallResult> {
  if (task.kind === 'describe') return reports;
  const endpoint = endpoints.get(task.path);
  if (!endpoint) {
    const failure = {
      code: 'MODULE_UNAVAILABLE',
      status: 503,
      message: `${task.path} did not load in this worker`,
      expose: true,
    };
    return Promise.resolve({ ok: false, failure });
  }
  return new Promise<CallResult>((resolve) => {
    failCurrentCall = (error) =>
      resolve({
        ok: false,
        failure: thrown(new Error(`uncaught error outside the call's await chain: ${errorMessage(error)}`)),
      });
    callEndpoint(endpoint, task.body).then(resolve, (error: unknown) =>
      resolve({ ok: false, failure: thrown(error) }),
    );
  }).finally(() => {
    failCurrentCall = undefined;
  });
}
