import type { GenerationPlan } from '../load/loader.js';
import { primaryMessageSchema, type MemberMessage } from './messages.js';
import { COMPILING_PROCESS } from './plan-relay.js';

/** How long a process waits for the compiling one's plan before it compiles for itself. */
const PLAN_TIMEOUT_MS = 60_000;

/**
 * One compile per reload in a cluster: process 1 compiles the modules and answers the other
 * processes' requests for a generation's plan with the builds it made; they load them as they
 * are (through the primary: see PlanRelay).
 */
export class ClusterPlans {
  private nextId = 0;
  private readonly waiting = new Map<number, (plan: GenerationPlan | undefined) => void>();
  private planner: (() => Promise<GenerationPlan>) | undefined;

  constructor(
    /** This process's number in the cluster. */
    private readonly number: number,
  ) {
    process.on('message', (message: unknown) => {
      const said = primaryMessageSchema.safeParse(message).data;
      if (said?.type === 'plan') this.waiting.get(said.id)?.(said.plan ?? undefined);
      else if (said?.type === 'plan-request') this.answer(said.id, said.from);
    });
  }

  /** Whether this process is the one that compiles (and watches the APIs folder). */
  get compiles(): boolean {
    return this.number === COMPILING_PROCESS;
  }

  /** The compiling process: answer the others with `plan()` from now on. */
  serve(plan: () => Promise<GenerationPlan>): void {
    this.planner = plan;
    this.send({ type: 'planner' });
  }

  /**
   * Another process: the compiling process's plan of the next generation, or undefined when it
   * could not give one (it is being replaced, or did not answer in time).
   */
  request(): Promise<GenerationPlan | undefined> {
    if (!process.connected) return Promise.resolve(undefined);
    const id = ++this.nextId;
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle(undefined), PLAN_TIMEOUT_MS);
      const settle = (plan: GenerationPlan | undefined) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(plan);
      };
      this.waiting.set(id, settle);
      this.send({ type: 'plan-request', id });
    });
  }

  private answer(id: number, to: number): void {
    // A module that does not compile is in the plan with its error; null is for worse (no folder).
    void this.planner?.().then(
      (plan) => this.send({ type: 'plan', id, to, plan }),
      () => this.send({ type: 'plan', id, to, plan: null }),
    );
  }

  private send(message: MemberMessage): void {
    if (process.connected) process.send?.(message);
  }
}
