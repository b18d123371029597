import cluster, { type Worker } from 'node:cluster';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { AggregatorRegistry, type PrometheusContentType } from 'prom-client';
import { RateLimiterClusterMaster } from 'rate-limiter-flexible';
import {
  memberMessageSchema,
  PROCESS_NUMBER_VARIABLE,
  type PrimaryMessage,
  type ProcessReport,
} from './messages.js';
import { COMPILING_PROCESS, PlanRelay } from './plan-relay.js';

/** A process that ends sooner than this after it was started counts as a crash loop's. */
const QUICK_EXIT_MS = 10_000;
/** The wait before the second quick replacement in a row; it doubles with each one after. */
const FIRST_BACK_OFF_MS = 500;
const MAX_BACK_OFF_MS = 30_000;
/** How often every process is sent the others' latest figures. */
const REPORTS_MS = 1000;

export interface SupervisorOptions {
  /** How many runtime processes to keep serving. */
  processes: number;
  /** Where the processes' output lines go (whole lines, from this one writer). */
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** One runtime process's place: its number stays, the process in it is replaced. */
interface Slot {
  number: number;
  worker: Worker | undefined;
  startedAt: number;
  /** Exits in a row each sooner than QUICK_EXIT_MS after its start. */
  quickExits: number;
  restart: NodeJS.Timeout | undefined;
  /** The figures its process sent last. */
  report: ProcessReport | undefined;
}

/**
 * The primary of cluster mode (node:cluster): it serves no HTTP itself, it forks the runtime
 * processes, which share the listening port, and keeps them running. A process that ends is
 * replaced, at once the first time and after a doubling wait when its replacements keep ending
 * within seconds (a crash loop does not spin). Their standard output and error come through here
 * a whole line at a time, so lines of two processes are never mixed on one line. What one process
 * announces (a reload, the config or secrets changed, an address locked out) is passed on to the
 * others, and their failed token attempts are counted here, together (rate-limiter-flexible's
 * cluster limiter, whose processes ask this one). Only process 1 compiles the modules: the
 * others' requests for a generation's plan are relayed to it, and its answers back (PlanRelay).
 * A process asked for `/metrics` gets the whole cluster's from here (prom-client's aggregator).
 */
export class Supervisor {
  private readonly slots: Slot[];
  private serving = false;
  private stopping = false;
  /** Why start-up failed: the first message a process sent saying so. */
  private startFailure: string | undefined;
  private readonly summaries: string[] = [];
  private settle: { resolve(summary: string): void; reject(error: Error): void } | undefined;
  private readonly exitWaiters: (() => void)[] = [];
  private reportsTimer: NodeJS.Timeout | undefined;
  private metrics: AggregatorRegistry<PrometheusContentType> | undefined;
  private readonly plans = new PlanRelay((number, message) => {
    const worker = this.slots[number - 1]?.worker;
    if (!worker?.isConnected()) return false;
    worker.send(message);
    return true;
  });

  constructor(private readonly options: SupervisorOptions) {
    this.slots = Array.from({ length: options.processes }, (_, index) => ({
      number: index + 1,
      worker: undefined,
      startedAt: 0,
      quickExits: 0,
      restart: undefined,
      report: undefined,
    }));
  }

  /**
   * Forks every runtime process; resolves with the banner once each serves, or rejects (the
   * others stopped) when one ends before it does.
   */
  start(): Promise<string> {
    // Their output is piped here (see relay) rather than shared.
    cluster.setupPrimary({ silent: true });
    new RateLimiterClusterMaster();
    this.metrics = new AggregatorRegistry();
    this.reportsTimer = setInterval(() => this.sendReports(), REPORTS_MS).unref();
    const started = new Promise<string>((resolve, reject) => (this.settle = { resolve, reject }));
    for (const slot of this.slots) this.fork(slot);
    return started;
  }

  /** The pids of the processes running now, in the order of their numbers. */
  get pids(): number[] {
    return this.slots.flatMap((slot) =>
      slot.worker?.process.pid === undefined ? [] : [slot.worker.process.pid],
    );
  }

  /** Asks every process to finish its requests in flight and exit; resolves once all have. */
  stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.reportsTimer);
    for (const slot of this.slots) {
      clearTimeout(slot.restart);
      const worker = slot.worker;
      if (!worker) continue;
      if (worker.isConnected()) worker.send({ type: 'stop' } satisfies PrimaryMessage);
      else worker.process.kill('SIGTERM');
    }
    return this.allExited();
  }

  /** Ends every process at once (a second signal: no waiting). */
  kill(): void {
    this.stopping = true;
    clearInterval(this.reportsTimer);
    for (const slot of this.slots) {
      clearTimeout(slot.restart);
      slot.worker?.process.kill('SIGKILL');
    }
  }

  private fork(slot: Slot): void {
    slot.restart = undefined;
    if (slot.number === COMPILING_PROCESS) this.plans.compilerStarting();
    const worker = cluster.fork({ [PROCESS_NUMBER_VARIABLE]: String(slot.number) });
    slot.worker = worker;
    slot.startedAt = Date.now();
    relay(worker.process.stdout, this.options.stdout);
    relay(worker.process.stderr, this.options.stderr);
    worker.on('message', (message: unknown) => this.heard(slot, worker, message));
    // A message to a process that is exiting fails (EPIPE) after `send` returned, as an 'error'
    // event: unheard, it would end the primary. The process's end is handled on 'exit'.
    worker.on('error', () => undefined);
    worker.on('exit', (code: number | null, signal: string | null) =>
      this.exited(slot, worker, code, signal),
    );
  }

  private heard(slot: Slot, worker: Worker, message: unknown): void {
    const said = memberMessageSchema.safeParse(message).data;
    switch (said?.type) {
      case 'ready':
        return this.ready(slot, worker, said.summary);
      case 'failed':
        this.startFailure ??= said.message;
        return;
      case 'announce':
        return this.sendToOthers(slot, { type: 'announce', announcement: said.announcement });
      case 'report':
        slot.report = said.report;
        return;
      case 'metrics-request':
        return this.sendMetrics(worker, said.id);
      case 'planner':
        return this.plans.compilerReady();
      case 'plan-request':
        return this.plans.request(slot.number, said.id);
      case 'plan':
        return this.plans.answer(said.to, said.id, said.plan);
      case undefined:
        return; // not ours (a library's own message)
    }
  }

  /** A process serves: the banner once all do at start, a notice for a replacement. */
  private ready(slot: Slot, worker: Worker, summary: string): void {
    if (this.serving) return this.notice(`process ${slot.number} (pid ${worker.process.pid}) serves again`);
    this.summaries.push(summary);
    if (this.summaries.length < this.slots.length) return;
    this.serving = true;
    this.settle?.resolve(
      `${this.summaries[0]}Processes: ${this.slots.length} share the port (node:cluster; pids ${this.pids.join(', ')})\n`,
    );
  }

  private sendToOthers(from: Slot, message: PrimaryMessage): void {
    for (const slot of this.slots) {
      if (slot !== from && slot.worker?.isConnected()) slot.worker.send(message);
    }
  }

  /** The whole cluster's Prometheus metrics, to the process that asked. */
  private sendMetrics(worker: Worker, id: number): void {
    const answer = (text: string | null) => {
      if (worker.isConnected()) worker.send({ type: 'metrics', id, text } satisfies PrimaryMessage);
    };
    this.metrics?.clusterMetrics().then(answer, () => answer(null));
  }

  private exited(slot: Slot, worker: Worker, code: number | null, signal: string | null): void {
    if (slot.worker !== worker) return;
    slot.worker = undefined;
    slot.report = undefined;
    this.plans.ended(slot.number);
    const how = signal ? `was ended by ${signal}` : `exited with code ${code}`;
    if (this.stopping) {
      if (this.slots.every((each) => !each.worker)) for (const wake of this.exitWaiters.splice(0)) wake();
      return;
    }
    if (!this.serving) {
      // One process cannot start: neither can the others (the same config, port and folder).
      const reason = this.startFailure ?? `process ${slot.number} ${how} before it served`;
      void this.stop().then(() => this.settle?.reject(new Error(reason)));
      return;
    }
    slot.quickExits = Date.now() - slot.startedAt < QUICK_EXIT_MS ? slot.quickExits + 1 : 0;
    const wait =
      slot.quickExits <= 1 ? 0 : Math.min(MAX_BACK_OFF_MS, FIRST_BACK_OFF_MS * 2 ** (slot.quickExits - 2));
    this.notice(
      `process ${slot.number} (pid ${worker.process.pid}) ${how}; ` +
        (wait ? `another starts in ${(wait / 1000).toFixed(1)} s` : 'another starts now'),
    );
    slot.restart = setTimeout(() => this.fork(slot), wait);
  }

  /** Sends every process the latest figures of all (the cluster's view in the admin API). */
  private sendReports(): void {
    const reports = this.slots.flatMap((slot) => (slot.report ? [slot.report] : []));
    for (const slot of this.slots) {
      if (slot.worker?.isConnected()) slot.worker.send({ type: 'reports', reports } satisfies PrimaryMessage);
    }
  }

  private allExited(): Promise<void> {
    if (this.slots.every((slot) => !slot.worker)) return Promise.resolve();
    return new Promise((resolve) => this.exitWaiters.push(resolve));
  }

  private notice(text: string): void {
    this.options.stderr.write(`api-deploy: ${text}\n`);
  }
}

/** Copies a process's output a whole line at a time. */
function relay(from: Readable | null, to: NodeJS.WritableStream): void {
  if (!from) return;
  createInterface({ input: from, crlfDelay: Infinity }).on('line', (line) => to.write(`${line}\n`));
}
