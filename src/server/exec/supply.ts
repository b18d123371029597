import { Worker } from 'node:worker_threads';
import { Heartbeats } from './heartbeat.js';
import type { BootedMessage, WorkerStart } from './protocol.js';

export interface SupplyOptions {
  /** The built worker script (`out/server/worker.js`). */
  workerFile: string;
  /** Heap limit of one worker; a function that needs more fails with 500. */
  memoryMb: number;
  /** Booted workers kept ready, so a reload does not wait for threads to start. */
  spares: number;
  /** Node options of the workers (the permission model's, with `restrictWorkers`). */
  execArgv: string[];
}

export interface BootedWorker {
  worker: Worker;
  /** Its heartbeat slot. */
  slot: number;
}

/**
 * Starts worker threads and keeps a few booted spares (Node, the runtime's own code and zod
 * loaded; no user code), so a reload only has to load the user's modules into them. A spare is
 * handed to one generation and never returns: its module state goes with that generation.
 */
export class WorkerSupply {
  readonly heartbeats = new Heartbeats(1024);
  private spares: Promise<BootedWorker>[] = [];
  private refillTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private serving = 0;

  constructor(private options: SupplyOptions) {}

  /** A booted worker: a spare if one is ready, else a new one. */
  take(): Promise<BootedWorker> {
    const spare = this.spares.shift();
    this.scheduleRefill();
    return (spare ?? this.boot()).then((booted) => this.handOut(booted));
  }

  /**
   * Worker threads handed to generations that are still running (spares not counted): what
   * readiness reads. None while the serving generation has a pool means nothing can run a call.
   */
  get inService(): number {
    return this.serving;
  }

  private handOut(booted: BootedWorker): BootedWorker {
    // A thread that has already ended has threadId -1 (its exit may not have been emitted yet).
    if (booted.worker.threadId >= 0) {
      this.serving++;
      booted.worker.once('exit', () => this.serving--);
    }
    return booted;
  }

  /** New options (a new memory limit, say): spares booted with the old ones are dropped. */
  reconfigure(options: SupplyOptions): void {
    this.options = options;
    this.dropSpares();
    this.scheduleRefill();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.refillTimer);
    await this.dropSpares();
  }

  private async dropSpares(): Promise<void> {
    const spares = this.spares.splice(0);
    await Promise.all(
      spares.map((spare) =>
        spare.then(
          (booted) => this.end(booted),
          () => undefined,
        ),
      ),
    );
  }

  /** Refills spares once the reload that took them has moved on. */
  private scheduleRefill(): void {
    if (this.closed || this.refillTimer) return;
    this.refillTimer = setTimeout(() => {
      this.refillTimer = undefined;
      while (!this.closed && this.spares.length < this.options.spares) {
        const booting = this.boot();
        booting.catch(() => undefined); // a spare that fails to boot is dropped when taken
        this.spares.push(booting);
      }
    }, 0);
    this.refillTimer.unref();
  }

  private boot(): Promise<BootedWorker> {
    const slot = this.heartbeats.claim();
    if (slot === undefined) return Promise.reject(new Error('too many worker threads'));
    const start: WorkerStart = {
      heartbeats: this.heartbeats.buffer,
      heartbeatEpoch: this.heartbeats.epoch,
      slot,
    };
    const worker = new Worker(this.options.workerFile, {
      workerData: start,
      resourceLimits: { maxOldGenerationSizeMb: this.options.memoryMb },
      env: userCodeEnv(),
      execArgv: this.options.execArgv,
    });
    worker.once('exit', () => this.heartbeats.release(slot));
    return new Promise<BootedWorker>((resolve, reject) => {
      const fail = (error: unknown) =>
        reject(error instanceof Error ? error : new Error(`worker exited (${error})`));
      worker.once('error', fail);
      worker.once('exit', fail);
      worker.once('message', (message: BootedMessage) => {
        worker.off('error', fail);
        worker.off('exit', fail);
        if (message.type === 'booted') resolve({ worker, slot });
        else fail(new Error('unexpected first message from a worker'));
      });
    });
  }

  private async end({ worker }: BootedWorker): Promise<void> {
    await worker.terminate();
  }
}

/**
 * The environment API functions see: the process's, without the server's own `API_DEPLOY_*`
 * settings (a worker's `process.env` is its own copy; changes to it stay in the worker).
 */
export function userCodeEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('API_DEPLOY_')));
}
