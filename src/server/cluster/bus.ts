import type { Announcement } from '../replicas/bus.js';
import { primaryMessageSchema, type MemberMessage } from './messages.js';

/**
 * The announcements of a cluster's runtime processes (the same as replicas make through Redis:
 * replicas/bus.ts), carried over node:cluster's IPC channel: a process sends one to the primary,
 * which passes it on to every other process.
 */
export class ClusterBus {
  /** Calls `listener` for each announcement of another process. */
  listen(listener: (announcement: Announcement) => void): void {
    process.on('message', (message: unknown) => {
      const said = primaryMessageSchema.safeParse(message).data;
      if (said?.type === 'announce') listener(said.announcement);
    });
  }

  /** Tells the other processes; resolves once the message is on its way to the primary. */
  announce(announcement: Announcement): Promise<void> {
    return new Promise((resolve) => {
      if (!process.send || !process.connected) return resolve();
      process.send({ type: 'announce', announcement } satisfies MemberMessage, undefined, {}, () =>
        resolve(),
      );
    });
  }
}
