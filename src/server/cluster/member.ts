import cluster from 'node:cluster';
import { PROCESS_NUMBER_VARIABLE, primaryMessageSchema, type MemberMessage } from './messages.js';

/**
 * This process as one of a cluster's runtime processes (forked by the Supervisor): its number,
 * and what it tells the primary. Undefined in a process started on its own.
 */
export function clusterMember(): ClusterMember | undefined {
  if (!cluster.isWorker) return undefined;
  const number = Number(process.env[PROCESS_NUMBER_VARIABLE]);
  return new ClusterMember(Number.isInteger(number) && number > 0 ? number : cluster.worker!.id);
}

export class ClusterMember {
  constructor(
    /** 1..N, kept by the process that replaces this one. */
    readonly number: number,
  ) {}

  /** It serves: the primary prints the banner once every process does. */
  ready(summary: string): void {
    this.send({ type: 'ready', summary });
  }

  /** It could not start: the primary prints `message` (once for the cluster); then exits 1. */
  failed(message: string): void {
    if (!process.send || !process.connected) process.exit(1);
    process.send({ type: 'failed', message } satisfies MemberMessage, undefined, {}, () => process.exit(1));
  }

  /**
   * Calls `stop` when the primary asks, or when the primary is gone (its IPC channel closed:
   * killed, say), so that no runtime process outlives it.
   */
  onStop(stop: () => void): void {
    process.on('message', (message) => {
      if (primaryMessageSchema.safeParse(message).data?.type === 'stop') stop();
    });
    process.on('disconnect', stop);
  }

  private send(message: MemberMessage): void {
    if (process.connected) process.send?.(message);
  }
}
