/**
 * A worker thread that runs API functions. It boots with no user code (so spare workers can be
 * kept warm), loads one generation's modules when told to, then answers calls. User code runs
 * only here, never on the HTTP thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ERRORS, type LoadError } from '../../../shared/contract.js';
import type { ModuleBuild } from '../../load/build.js';
import { relativeTo } from '../../load/discover.js';
import { describeModule, type CallableEndpoint } from './describe.js';
import { evaluateModule, ModuleLoadError, type ResolveFrom } from './evaluate.js';
import { callEndpoint, errorMessage, thrown } from './call.js';
import { callContext, currentCall, runAsCall } from './context.js';
import { startBeating } from '../heartbeat.js';
import type { ModuleReport, WorkerModule } from '../../load/served.js';
import {
  CLAIMED,
  type AbortMessage,
  type CallResult,
  type BootedMessage,
  type CallMessage,
  type LoadedMessage,
  type LoadMessage,
  type ResultMessage,
  type SecretsMessage,
  type WorkerStart,
} from '../protocol.js';
import { applySecrets } from './secrets.js';

const port = parentPort!;
const start = workerData as WorkerStart;
startBeating(start.heartbeats, start.heartbeatEpoch, start.slot);

/**
 * How long after its deadline a call's signal aborts: the pool answers 504 FUNCTION_TIMEOUT at
 * the deadline, and an abort at the same instant raced it, the function's own error (a fetch
 * aborted) sometimes reaching the pool first as a 500.
 */
const ABORT_AFTER_DEADLINE_MS = 25;

/** The calls running here, by id, with what aborts their signal. */
const aborts = new Map<number, AbortController>();

// A user's process.exit() would end this worker; make it an error of the call instead.
process.exit = ((code?: number) => {
  throw new Error(`process.exit(${code ?? ''}) was called; an API function cannot stop the server`);
}) as typeof process.exit;

for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (error: unknown) => {
    // Timers and callbacks a call starts inherit it: an error thrown outside its await chain
    // fails that call rather than ending the worker.
    const call = currentCall();
    if (call) call.fail(error);
    else console.error(`api-deploy worker: ${event} outside a call: ${errorMessage(error)}`);
  });
}

const endpoints = new Map<string, CallableEndpoint>();
/** The pool's claim slots of the calls waiting here (set by the load message). */
let claims: Int32Array | undefined;

port.on('message', (message: LoadMessage | CallMessage | CallMessage[] | AbortMessage | SecretsMessage) => {
  if (Array.isArray(message)) {
    // A batch of calls (the pool sends those of one turn of its event loop together), or one.
    if (Array.isArray(message[0])) for (const one of message as CallMessage[]) call(one);
    else call(message as CallMessage);
  } else if (message.type === 'abort') aborts.get(message.id)?.abort(new Error('the client went away'));
  else if (message.type === 'secrets') applySecrets(message.secrets);
  else load(message);
});
port.postMessage({ type: 'booted' } satisfies BootedMessage);

function load({ apisDir, packagesDir, modules, progress, secrets, claims: slots }: LoadMessage): void {
  claims = slots;
  applySecrets(secrets);
  const loading = new Int32Array(progress);
  const reports = modules.map((entry, index) => {
    Atomics.store(loading, 0, index + 1);
    return loadEntry(entry, { apisDir, packagesDir });
  });
  Atomics.store(loading, 0, 0);
  port.postMessage({ type: 'loaded', reports } satisfies LoadedMessage);
}

function loadEntry({ build, fallback }: WorkerModule, from: ResolveFrom): ModuleReport {
  const loaded = loadBuild(build, from);
  if (!('error' in loaded)) return register(build, 'build', loaded);
  const lastGood = fallback && loadBuild(fallback, from);
  if (fallback && lastGood && !('error' in lastGood)) {
    return { ...register(fallback, 'fallback', lastGood), error: loaded.error };
  }
  return { module: build.module, serving: 'none', endpoints: [], error: loaded.error };
}

function loadBuild(build: ModuleBuild, from: ResolveFrom): CallableEndpoint[] | { error: LoadError } {
  try {
    const exports = evaluateModule(build, from);
    return describeModule({ ...build, exports, signatures: build.signatures });
  } catch (error) {
    const location = error instanceof ModuleLoadError ? error.location : undefined;
    return {
      error: {
        module: build.module,
        file: location ? relativeTo(from.apisDir, location.file) : build.relativeFile,
        line: location?.line,
        column: location?.column,
        message: error instanceof Error ? error.message : String(error),
        ...(error instanceof ModuleLoadError && error.missingPackage
          ? { missingPackage: error.missingPackage }
          : {}),
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
    endpoints: loaded.map(({ info, timeoutMs, async }) => ({
      info,
      timeoutMs,
      async,
      usesContext: build.code.includes('context'),
    })),
  };
}

function call([id, path, body, sent, claimSlot]: CallMessage): void {
  // A call sent to wait behind another runs only if the pool has not taken it back meanwhile.
  if (claimSlot !== undefined && Atomics.compareExchange(claims!, claimSlot, id, CLAIMED) !== id) return;
  const endpoint = endpoints.get(path);
  if (!endpoint) {
    const message = `${path} did not load in this worker`;
    reply([
      id,
      false,
      { code: 'MODULE_UNAVAILABLE', status: ERRORS.MODULE_UNAVAILABLE.status, message, expose: true },
    ]);
    return;
  }
  // Only a call that can use context() gets one: a signal, and a timer for its deadline.
  const abort = sent && new AbortController();
  const deadline =
    abort &&
    setTimeout(
      () => abort.abort(new Error(`${path} passed its time limit`)),
      Math.max(0, sent.deadline - Date.now()) + ABORT_AFTER_DEADLINE_MS,
    );
  if (abort) aborts.set(id, abort);
  let answered = false;
  const answer = (result: ResultMessage) => {
    if (answered) return;
    answered = true;
    if (abort) {
      clearTimeout(deadline);
      aborts.delete(id);
    }
    reply(result);
  };
  const fail = (error: unknown) =>
    answer([
      id,
      false,
      thrown(new Error(`uncaught error outside the call's await chain: ${errorMessage(error)}`)),
    ]);
  const context = abort && callContext(sent, abort, (line) => port.postMessage(line));
  const answerWith = (result: CallResult) =>
    answer(result.ok ? [id, true, result.json] : [id, false, result.failure]);
  runAsCall({ fail, context }, () => {
    let outcome: CallResult | Promise<CallResult>;
    try {
      outcome = callEndpoint(endpoint, body);
    } catch (error) {
      answer([id, false, thrown(error)]);
      return;
    }
    if (outcome instanceof Promise)
      outcome.then(answerWith, (error: unknown) => answer([id, false, thrown(error)]));
    else answerWith(outcome);
  });
}

/**
 * The answers given together go to the pool as one message: each message wakes the pool's thread
 * for one more turn of its event loop, and a message per answer made it turn about once per
 * request. "Together" is one drain of the microtask queue: the calls of a batch run one after the
 * other; a plain function's answer is given as it returns, an async one's in the drain that
 * follows (a promise's continuation, the same depth for calls of one kind). The flush is queued
 * behind them and runs in that drain too, so no other macrotask (another call's timer, the next
 * message's calls) runs before an answer given has been sent.
 */
let outbox: ResultMessage[] = [];
function reply(result: ResultMessage): void {
  if (outbox.length === 0) queueMicrotask(flushAnswers);
  outbox.push(result);
}

function flushAnswers(): void {
  const answers = outbox;
  outbox = [];
  port.postMessage(answers.length === 1 ? answers[0] : answers);
}
