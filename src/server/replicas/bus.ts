import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../logs/logger.js';
import type { RedisLink } from './link.js';

/**
 * What a replica tells the others: the tokens changed (resync them), an address is locked out
 * for so many milliseconds (its failed attempts reached the limit), the secrets file changed (read it again), modules or the config
 * were reloaded (do the same). Never a value: names and addresses only.
 */
export const announcementSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('tokens') }),
  z.strictObject({
    type: z.literal('locked'),
    key: z.string().min(1).max(64),
    ms: z.number().int().min(0).max(3_600_000),
  }),
  z.strictObject({ type: z.literal('secrets') }),
  z.strictObject({ type: z.literal('reload') }),
  z.strictObject({ type: z.literal('reload-config') }),
]);
export type Announcement = z.infer<typeof announcementSchema>;

const envelopeSchema = z.object({ from: z.string(), announcement: announcementSchema });

/**
 * The replicas' channel (Redis pub/sub): what one publishes reaches every other one connected;
 * a replica ignores its own. One that was disconnected misses what was said meanwhile, which is
 * why a replica resyncs everything when its link is up again.
 */
export class ReplicaBus {
  /** This replica, as its announcements name it. */
  readonly id = randomUUID();

  constructor(
    private readonly link: RedisLink,
    private readonly channel: string,
    private readonly logger: Logger,
  ) {}

  /** Calls `listener` for each announcement of another replica. */
  listen(listener: (announcement: Announcement) => void): void {
    this.link.on('message', (text) => {
      const parsed = envelopeSchema.safeParse(parseJson(text));
      if (!parsed.success) {
        this.logger.warn({ kind: 'system', event: 'replica-message' }, 'ignored a malformed replica message');
        return;
      }
      if (parsed.data.from !== this.id) listener(parsed.data.announcement);
    });
  }

  /**
   * Tells the other replicas, if Redis can be reached: an announcement lost while it cannot is
   * made up for by each replica's resync when it is back.
   */
  async announce(announcement: Announcement): Promise<void> {
    if (this.link.state !== 'up') return;
    try {
      await this.link.commands.publish(this.channel, JSON.stringify({ from: this.id, announcement }));
    } catch (error) {
      this.logger.warn(
        { kind: 'system', event: 'redis-error', err: error },
        `the other replicas could not be told (${announcement.type})`,
      );
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
