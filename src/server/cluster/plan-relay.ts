import type { GenerationPlan } from '../load/loader.js';
import type { PrimaryMessage } from './messages.js';

/** The process that compiles, and the one every plan comes from. */
export const COMPILING_PROCESS = 1;

/**
 * The primary's part in one compile per reload: the other processes' requests for a plan go to
 * the compiling process (number 1), and its answers back to each. Requests made while it starts
 * wait for it; while there is none (it ended, its replacement not yet started) or when it ends
 * before answering, they are answered null, and the process asking compiles for itself.
 */
export class PlanRelay {
  /** A compiling process runs (started, or starting). */
  private running = true;
  /** It answers requests (it said so since it was last started). */
  private ready = false;
  /** Requests not yet answered, in order: who asked, and its request's id. */
  private pending: { from: number; id: number; sent: boolean }[] = [];

  constructor(
    /** Sends to process `number`, if it runs; false when it does not. */
    private readonly send: (number: number, message: PrimaryMessage) => boolean,
  ) {}

  /** The compiling process is ready: what waited for it goes to it now. */
  compilerReady(): void {
    this.ready = true;
    for (const request of this.pending) if (!request.sent) this.forward(request);
  }

  request(from: number, id: number): void {
    if (!this.running) {
      this.send(from, { type: 'plan', id, plan: null });
      return;
    }
    const request = { from, id, sent: false };
    this.pending.push(request);
    if (this.ready) this.forward(request);
  }

  answer(to: number, id: number, plan: GenerationPlan | null): void {
    this.pending = this.pending.filter((request) => request.from !== to || request.id !== id);
    this.send(to, { type: 'plan', id, plan });
  }

  /** A process ended: its own requests are dropped; the compiling process's end answers them all null. */
  ended(number: number): void {
    this.pending = this.pending.filter((request) => request.from !== number);
    if (number !== COMPILING_PROCESS) return;
    this.running = false;
    this.ready = false;
    for (const { from, id } of this.pending.splice(0)) this.send(from, { type: 'plan', id, plan: null });
  }

  /** A replacement of the compiling process is starting: requests wait for it (see compilerReady). */
  compilerStarting(): void {
    this.running = true;
    this.ready = false;
  }

  private forward(request: { from: number; id: number; sent: boolean }): void {
    request.sent = true;
    if (!this.send(COMPILING_PROCESS, { type: 'plan-request', id: request.id, from: request.from })) {
      this.pending = this.pending.filter((each) => each !== request);
      this.send(request.from, { type: 'plan', id: request.id, plan: null });
    }
  }
}
