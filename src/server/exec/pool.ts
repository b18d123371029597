import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ERRORS } from '../../shared/contract.js';
import { HttpError } from '../core/errors.js';
import { chooseWorker, PLAIN_CALLS_PER_WORKER, type WorkerLoad } from './choose-worker.js';
import {
  LoadHangError,
  type CallContext,
  type GenerationRunner,
  type ModuleReport,
  type RegisteredEndpoint,
  type WorkerModule,
} from '../load/served.js';
import type {
  AbortMessage,
  AppLogMessage,
  CallFailure,
  CallMessage,
  LoadedMessage,
  LoadMessage,
  ResultMessage,
  SecretsMessage,
} from './protocol.js';
import type { BootedWorker, WorkerSupply } from './supply.js';

export interface PoolOptions {
  supply: WorkerSupply;
  apisDir: string;
  /** The workspace's own npm packages (imports are looked for there first). */
  packagesDir: string;
  /** Workers kept running. */
  threads: number;
  /** Workers at most, started when every worker is busy or blocked. */
  maxThreads: number;
  /** How long loading all modules may take before the one loading is declared hung. */
  loadTimeoutMs: number;
  /** Where a function's own log lines go (`context().log`). */
  onAppLog?: (line: AppLogMessage) => void;
  /** The workspace's secrets when the pool starts (updateSecrets changes them). */
  secrets: Record<string, string>;
  /** Counts kept across generations, for the Prometheus metrics. */
  counters?: PoolCounters;
}

/** What the pools of a runtime count over its life (they only grow). */
export interface PoolCounters {
  /** Calls answered 504 because they ran past their time limit. */
  timeouts: number;
  /** Workers that ended under calls (a crash, out of memory, stuck past a time limit). */
  workersLost: number;
}

/**
 * How long a plain call may wait behind another in a worker before it is taken back and given
 * to another worker (or the pool's queue): a slow call delays the ones behind it this long.
 */
const TAKE_BACK_MS = 10;
/** How long after a generation is ready its other workers start. */
const FILL_DELAY_MS = 250;
/** A worker above `threads` that stays idle this long is ended. */
const IDLE_MS = 30_000;

/**
 * A call that failed inside the worker, with the details kept for the log. Its code and status
 * are the failure's: a catalogue code, or the user's own from an `ApiError`.
 */
export class CallError extends HttpError {
  override readonly status: number;
  override readonly code: string;

  constructor(readonly failure: CallFailure) {
    super('FUNCTION_ERROR', failure.message, failure.details);
    this.status = failure.status;
    this.code = failure.code;
  }
}

interface PendingCall {
  id: number;
  message: CallMessage;
  async: boolean;
  /** Its time limit's timer. */
  timer?: NodeJS.Timeout;
  worker?: PoolWorker;
  /** Its claim slot at its worker, when it was sent to wait behind another plain call. */
  slot?: number;
  /** When it was sent to wait there (performance.now()): it is taken back TAKE_BACK_MS later. */
  waitingSince?: number;
  /** Settles the call's promise (once: see GenerationPool.settle). */
  resolve(json: string): void;
  reject(error: Error): void;
}

interface PoolWorker extends BootedWorker, WorkerLoad {
  /** Its modules are loaded: it can take calls. */
  ready: boolean;
  calls: Map<number, PendingCall>;
  /** Running plain functions' calls (one, and those waiting behind it): no async call joins. */
  plain: boolean;
  /**
   * One slot per plain call waiting in the worker: the call's id while it waits, CLAIMED once
   * the worker starts it, FREE otherwise. The worker starts a call only by swapping its id for
   * CLAIMED, the pool takes one back only by swapping it for FREE: whichever comes first wins,
   * so a call taken back never runs, and one started is never sent again.
   */
  claims: Int32Array;
  /** The claim slots holding no call. */
  freeSlots: number[];
  /**
   * The calls sent to wait there, oldest first, for the take-back timer and chooseWorker. A call
   * that started, was answered or was taken back stays in it until either reads past it.
   */
  waiting: PendingCall[];
  /** Set while calls wait there: fires when the oldest has waited TAKE_BACK_MS. */
  takeBackTimer?: NodeJS.Timeout;
  /** Calls dispatched to it in this turn of the event loop, sent together at its end. */
  outbox: PendingCall[];
  /** Why it stopped, when it did: given to the calls it had. */
  lostWith?: unknown;
  idleTimer?: NodeJS.Timeout;
}

/**
 * The workers of one registry generation. A plain function's call gets a worker to itself, as
 * the original runs sync functions in a thread pool; calls of `async` functions share workers,
 * as coroutines share its event loop. A worker whose event loop is blocked gets no new calls;
 * more workers start, up to `maxThreads`, when none can take one. A call past its time limit is
 * answered 504 and the worker stuck in it is ended and replaced. When the generation is replaced
 * the pool is retired: it finishes the calls it has, then its workers and their module state go.
 *
 * Written on `worker_threads` rather than piscina: see the note on issue 4 — a call here costs
 * a message each way, where piscina's per-task bookkeeping cost several times that, and piscina
 * cannot end the one worker stuck in a call that shares it with others.
 */
export class GenerationPool implements GenerationRunner {
  private readonly workers = new Set<PoolWorker>();
  private readonly queue: PendingCall[] = [];
  private starting = 0;
  private nextId = 1;
  private active = 0;
  private retired = false;
  private closed = false;
  private readonly load: LoadMessage;

  private constructor(
    private readonly options: PoolOptions,
    modules: WorkerModule[],
    progress: SharedArrayBuffer,
  ) {
    const { apisDir, packagesDir, secrets } = options;
    this.load = { type: 'load', apisDir, packagesDir, modules, progress, secrets };
  }

  /** Readies the pool's workers, which load the modules, and reads what loaded. */
  static async start(
    modules: WorkerModule[],
    options: PoolOptions,
  ): Promise<{ pool: GenerationPool; reports: ModuleReport[] }> {
    const progress = new SharedArrayBuffer(4);
    const pool = new GenerationPool(options, modules, progress);
    // One worker makes the generation ready, so a reload waits for one warm spare to load the
    // modules, not for threads to start. The others join a little later, unless another reload
    // replaced this generation meanwhile (a burst of saves then costs one worker per save), or
    // sooner if calls queue up (see grow).
    const first = pool.addWorker();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const loading = Atomics.load(new Int32Array(progress), 0);
        reject(loading > 0 ? new LoadHangError(loading - 1) : new Error('the workers did not start in time'));
      }, options.loadTimeoutMs);
    });
    try {
      const reports = await Promise.race([first, timeout]);
      setTimeout(() => pool.fill(), FILL_DELAY_MS).unref();
      return { pool, reports };
    } catch (error) {
      await pool.close();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Calls in progress: running in a worker, waiting in one, or queued here. */
  get inProgress(): number {
    return this.active;
  }

  /**
   * Runs a call; resolves to the result's JSON text or throws an HttpError. `context` is what
   * the function's `context()` tells of its request; `gone` aborts its signal (the client went
   * away), or drops the call if it is still waiting for a worker.
   */
  call(
    endpoint: RegisteredEndpoint,
    body: Record<string, unknown>,
    timeoutMs: number,
    context: Omit<CallContext, 'deadline'> | undefined,
    gone?: AbortSignal,
  ): Promise<string> {
    if (this.closed)
      return Promise.reject(new HttpError('INTERNAL_ERROR', 'this generation has been replaced'));
    const path = endpoint.info.path;
    this.active++;
    const id = this.nextId++;
    const pending: PendingCall = {
      id,
      message: [id, path, body, context && { ...context, deadline: Date.now() + timeoutMs }, undefined],
      async: endpoint.async,
      resolve: settledAlready,
      reject: settledAlready,
    };
    // No closure per call but the promise's own: the timer and the settling go through the pool.
    const promise = new Promise<string>((resolve, reject) => {
      pending.resolve = resolve;
      pending.reject = reject;
    });
    pending.timer = setTimeout(callTimedOut, timeoutMs, this, pending, timeoutMs);
    gone?.addEventListener('abort', () => this.abandon(pending), { once: true });
    if (!this.dispatch(pending)) {
      this.queue.push(pending);
      this.grow();
    }
    return promise;
  }

  /** Ends a call: its result or error goes to its caller, once; what it held is let go. */
  private settle(pending: PendingCall, result: string | Error): void {
    const { resolve, reject } = pending;
    if (resolve === settledAlready) return;
    pending.resolve = pending.reject = settledAlready;
    clearTimeout(pending.timer);
    this.active--;
    if (this.retired && this.active === 0) void this.close();
    if (typeof result === 'string') resolve(result);
    else reject(result);
  }

  /** The caller of a call went away: a queued call is dropped, a running one's signal aborted. */
  private abandon(pending: PendingCall): void {
    if (pending.resolve === settledAlready) return;
    const queued = this.queue.indexOf(pending);
    if (queued >= 0 || this.takeBack(pending)) {
      if (queued >= 0) this.queue.splice(queued, 1);
      this.settle(pending, new HttpError('BAD_REQUEST', 'the client went away before the call started'));
      return;
    }
    const worker = pending.worker;
    if (!worker) return;
    this.flush(worker); // the call itself goes first
    worker.worker.postMessage({ type: 'abort', id: pending.id } satisfies AbortMessage);
  }

  /** Starts workers up to the pool's size. */
  private fill(): void {
    if (this.retired || this.closed) return;
    for (let count = this.workers.size + this.starting; count < this.options.threads; count++) {
      this.addWorker().catch(() => undefined);
    }
  }

  /** New secrets: for the workers running now, and those that start later. */
  updateSecrets(secrets: Record<string, string>): void {
    this.load.secrets = secrets;
    const message: SecretsMessage = { type: 'secrets', secrets };
    // A worker still loading gets it after its load message, so it ends with these too.
    for (const worker of this.workers) worker.worker.postMessage(message);
  }

  /** No new calls will come: close once the calls in progress have finished. */
  retire(): void {
    this.retired = true;
    if (this.active === 0) void this.close();
  }

  /** Ends every worker; calls still running or queued fail. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const stopped = new Error('the server is stopping');
    for (const pending of this.queue.splice(0)) this.settle(pending, new CallError(workerLost(stopped)));
    await Promise.all([...this.workers].map((worker) => this.end(worker, stopped)));
  }

  /** Starts a worker (a warm spare when there is one) and loads the modules into it. */
  private async addWorker(): Promise<ModuleReport[]> {
    this.starting++;
    let booted: BootedWorker;
    try {
      booted = await this.options.supply.take();
    } finally {
      this.starting--;
    }
    const worker: PoolWorker = {
      ...booted,
      ready: false,
      calls: new Map(),
      plain: false,
      outbox: [],
      claims: new Int32Array(new SharedArrayBuffer(4 * PLAIN_CALLS_PER_WORKER)),
      freeSlots: Array.from({ length: PLAIN_CALLS_PER_WORKER }, (_, slot) => slot),
      waiting: [],
    };
    if (this.closed) {
      await booted.worker.terminate();
      throw new Error('the pool is closed');
    }
    this.workers.add(worker);
    worker.worker.on('error', (error) => (worker.lostWith ??= error));
    worker.worker.once('exit', () => this.lost(worker));
    const loaded = new Promise<ModuleReport[]>((resolve, reject) => {
      worker.worker.once('exit', () =>
        reject(new Error(`worker stopped while loading modules: ${String(worker.lostWith)}`)),
      );
      worker.worker.once('message', (message: LoadedMessage) => resolve(message.reports));
    });
    worker.worker.postMessage({ ...this.load, claims: worker.claims } satisfies LoadMessage);
    const reports = await loaded;
    worker.worker.on('message', (message: ResultMessage | ResultMessage[] | AppLogMessage) => {
      // One answer, or those a worker gave in one turn of its event loop.
      if (!Array.isArray(message)) this.options.onAppLog?.(message);
      else if (Array.isArray(message[0]))
        for (const one of message as ResultMessage[]) this.answer(worker, one);
      else this.answer(worker, message as ResultMessage);
    });
    worker.ready = true;
    this.drain();
    return reports;
  }

  /** Sends a call to the worker chooseWorker picks; false when none can take it now. */
  private dispatch(pending: PendingCall): boolean {
    const now = performance.now();
    const best = chooseWorker(this.workers, pending.async, now, this.options.supply.heartbeats);
    if (!best) return false;
    // A plain call sent to a busy worker waits there: it gets a claim slot, and is taken back
    // if it has not started within TAKE_BACK_MS.
    const slot = !pending.async && best.calls.size > 0 ? (best.freeSlots.pop() ?? -1) : undefined;
    if (slot === -1) return false;
    clearTimeout(best.idleTimer);
    if (slot !== undefined) Atomics.store(best.claims, slot, pending.id);
    pending.message[4] = slot;
    this.send(best, pending);
    best.calls.set(pending.id, pending);
    best.plain = !pending.async;
    pending.worker = best;
    if (slot !== undefined) {
      pending.slot = slot;
      pending.waitingSince = now;
      best.waiting.push(pending);
      best.takeBackTimer ??= setTimeout(() => this.takeBackDue(best), TAKE_BACK_MS);
    }
    return true;
  }

  /**
   * Takes back the calls that have waited in `worker` for TAKE_BACK_MS without starting, and
   * sets the timer again for the next one to come due. One timer per worker, not one per call:
   * under load, every call but the first of a batch waits behind another.
   */
  private takeBackDue(worker: PoolWorker): void {
    worker.takeBackTimer = undefined;
    const now = performance.now();
    const { waiting } = worker;
    let read = 0;
    for (; read < waiting.length; read++) {
      const pending = waiting[read]!;
      // Started (CLAIMED), answered or taken back meanwhile: it no longer waits here.
      if (pending.worker !== worker || pending.slot === undefined) continue;
      if (Atomics.load(worker.claims, pending.slot) !== pending.id) continue;
      if (pending.waitingSince! + TAKE_BACK_MS > now) break;
      this.takeBackLater(pending);
    }
    waiting.splice(0, read);
    if (waiting.length > 0 && !worker.lostWith) {
      const due = Math.max(1, waiting[0]!.waitingSince! + TAKE_BACK_MS - now);
      worker.takeBackTimer = setTimeout(() => this.takeBackDue(worker), due);
    }
  }

  /**
   * Sends a call to its worker with the others dispatched to it in this turn of the event loop:
   * one message for all of them (see PROFILE.md: each message may cost a thread's wake-up).
   */
  private send(worker: PoolWorker, pending: PendingCall): void {
    worker.outbox.push(pending);
    if (worker.outbox.length === 1) setImmediate(() => this.flush(worker));
  }

  private flush(worker: PoolWorker): void {
    const batch = worker.outbox.splice(0);
    if (batch.length === 0 || worker.lostWith) return;
    try {
      if (batch.length === 1) worker.worker.postMessage(batch[0]!.message);
      else worker.worker.postMessage(batch.map((pending) => pending.message));
      return;
    } catch {
      // One call's parameters cannot be copied (nested too deep for the structured clone, say):
      // each is sent alone, and only those that cannot be fail.
    }
    for (const pending of batch) {
      try {
        worker.worker.postMessage(pending.message);
      } catch (error) {
        worker.calls.delete(pending.id);
        if (worker.calls.size === 0) worker.plain = false;
        release(worker, pending);
        this.settle(pending, uncopyable(error));
      }
    }
    this.drain();
  }

  /**
   * Takes a call waiting in a worker back, if the worker has not started it: true when it
   * was (it will never run there), false when it has started (or was never waiting).
   */
  private takeBack(pending: PendingCall): boolean {
    const { worker, slot } = pending;
    if (!worker || slot === undefined) return false;
    if (Atomics.compareExchange(worker.claims, slot, pending.id, FREE) !== pending.id) return false;
    worker.freeSlots.push(slot);
    worker.calls.delete(pending.id);
    if (worker.calls.size === 0) worker.plain = false;
    pending.worker = pending.slot = undefined;
    return true;
  }

  /** A call still waiting behind a slow one: it goes to another worker, or the queue's head. */
  private takeBackLater(pending: PendingCall): void {
    const stuckAt = pending.worker;
    if (!this.takeBack(pending)) return;
    if (!this.dispatchElsewhere(pending, stuckAt)) {
      this.queue.unshift(pending);
      this.grow();
    }
  }

  /** Dispatches a call, but not to `avoid` (the worker it was stuck in). */
  private dispatchElsewhere(pending: PendingCall, avoid: PoolWorker | undefined): boolean {
    if (!avoid) return this.dispatch(pending);
    const wasReady = avoid.ready;
    avoid.ready = false;
    try {
      return this.dispatch(pending);
    } finally {
      avoid.ready = wasReady;
    }
  }

  private answer(worker: PoolWorker, [id, ok, payload]: ResultMessage): void {
    const pending = worker.calls.get(id);
    if (!pending) return; // answered already (timed out)
    worker.calls.delete(id);
    if (worker.calls.size === 0) worker.plain = false;
    release(worker, pending);
    if (ok) this.settle(pending, payload as string);
    else this.settle(pending, new CallError(payload as CallFailure));
    this.idleLater(worker);
    this.drain();
  }

  private drain(): void {
    while (this.queue.length > 0 && this.dispatch(this.queue[0]!)) this.queue.shift();
    if (this.queue.length > 0) this.grow();
  }

  /** Starts one more worker when calls wait and the pool may grow. */
  private grow(): void {
    if (this.closed || this.workers.size + this.starting >= this.options.maxThreads) return;
    if (this.starting > 0) return; // one at a time: each may be enough
    this.addWorker().catch(() => undefined);
  }

  /** A call past its time limit: answered 504, and its worker ended if it is stuck in it. */
  timeOut(pending: PendingCall, timeoutMs: number): void {
    const path = pending.message[1];
    const timedOut = new HttpError('FUNCTION_TIMEOUT', `${path} did not finish within ${timeoutMs} ms`);
    if (this.options.counters) this.options.counters.timeouts++;
    // Still waiting behind another call in its worker: it never ran, and the worker is not stuck in it.
    if (this.takeBack(pending)) return this.settle(pending, timedOut);
    const worker = pending.worker;
    const queued = this.queue.indexOf(pending);
    if (queued >= 0) this.queue.splice(queued, 1);
    if (worker) {
      worker.calls.delete(pending.id);
      release(worker, pending);
    }
    this.settle(pending, timedOut);
    if (!worker) return;
    // A plain function's worker is stuck in it; an async one's only if its event loop is blocked.
    const silence = this.options.supply.heartbeats.silenceMs(worker.slot);
    if (!pending.async || silence >= timeoutMs * 0.9) {
      void this.end(worker, new Error(`a call to ${path} ran past its time limit`));
    } else {
      this.idleLater(worker);
    }
  }

  private async end(worker: PoolWorker, reason: unknown): Promise<void> {
    worker.lostWith ??= reason;
    await worker.worker.terminate();
  }

  /** A worker exited: its calls fail, and a replacement starts if the pool is below size. */
  private lost(worker: PoolWorker): void {
    this.workers.delete(worker);
    // Ended under calls: a crash, out of memory, or stuck past a time limit (not idle, not closed).
    if (this.options.counters && worker.lostWith !== 'idle' && !this.closed)
      this.options.counters.workersLost++;
    clearTimeout(worker.idleTimer);
    clearTimeout(worker.takeBackTimer);
    // Calls still waiting there never ran: they go to another worker. The others fail.
    const neverRan: PendingCall[] = [];
    for (const pending of [...worker.calls.values()]) {
      if (this.takeBack(pending)) neverRan.push(pending);
      else this.settle(pending, new CallError(workerLost(worker.lostWith)));
    }
    worker.calls.clear();
    if (neverRan.length > 0 && !this.closed) {
      this.queue.unshift(...neverRan);
      this.drain();
    } else {
      for (const pending of neverRan) this.settle(pending, new CallError(workerLost(worker.lostWith)));
    }
    if (this.closed || (this.retired && this.queue.length === 0)) return;
    if (this.workers.size + this.starting < this.options.threads || this.queue.length > 0) {
      this.addWorker().catch(() => undefined);
    }
  }

  /** Ends a worker beyond the pool's size once it has been idle a while. */
  private idleLater(worker: PoolWorker): void {
    if (worker.calls.size > 0 || this.workers.size <= this.options.threads) return;
    clearTimeout(worker.idleTimer);
    worker.idleTimer = setTimeout(() => {
      if (worker.calls.size === 0 && this.workers.size > this.options.threads) void this.end(worker, 'idle');
    }, IDLE_MS);
    worker.idleTimer.unref();
  }
}

/** Parameters the structured clone refused (nested too deep for its stack, say). */
function uncopyable(error: unknown): HttpError {
  return new HttpError(
    'INVALID_JSON',
    `The parameters cannot be passed to the function: ${error instanceof Error ? error.message : String(error)}`,
  );
}

/** A worker that died under a call: out of memory, or ended some other way. */
function workerLost(error: unknown): CallFailure {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message =
    code === 'ERR_WORKER_OUT_OF_MEMORY'
      ? 'the function ran out of memory (raise workerMemoryMb in the config if it needs more)'
      : `the function's worker stopped: ${error instanceof Error ? error.message : String(error)}`;
  return {
    code: 'FUNCTION_ERROR',
    status: ERRORS.FUNCTION_ERROR.status,
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

/** What a settled call's resolve and reject become: a second answer (a late one) is ignored. */
function settledAlready(): void {}

/** A call's time limit passed (a timer's callback: no closure per call). */
function callTimedOut(pool: GenerationPool, pending: PendingCall, timeoutMs: number): void {
  pool.timeOut(pending, timeoutMs);
}

/** A claim slot's values besides a waiting call's id (ids start at 1). */
const FREE = 0;

/** A call answered or given up on: its claim slot, if it had one, is free again. */
function release(worker: PoolWorker, pending: PendingCall): void {
  if (pending.slot === undefined) return;
  Atomics.store(worker.claims, pending.slot, FREE);
  worker.freeSlots.push(pending.slot);
  pending.slot = undefined;
}
