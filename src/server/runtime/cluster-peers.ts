import { RateLimiterCluster } from 'rate-limiter-flexible';
import type { SharedAttempts } from '../auth/attempts.js';
import { ClusterBus } from '../cluster/bus.js';
import type { Logger } from '../logs/logger.js';
import type { Announcement } from '../replicas/bus.js';

/** How long a failed attempt waits for the primary to count it before it goes uncounted. */
const COUNT_TIMEOUT_MS = 1000;

/** What another process's announcement makes this one do. */
export interface PeerReactions {
  /** An address reached its limit of failed attempts in another process. */
  locked(key: string, ms: number): void;
  reload(): Promise<unknown>;
  reloadConfig(): Promise<unknown>;
  rereadSecrets(): Promise<unknown>;
}

/**
 * The other processes serving the same workspace, as the runtime tells them of its changes and
 * counts failed attempts with them: replicas through Redis (runtime/replicas.ts), or the
 * processes of a cluster on one box through its primary (ClusterPeers).
 */
export interface Peers {
  attempts(): SharedAttempts;
  announce(type: 'reload' | 'reload-config' | 'secrets'): Promise<void>;
}

/**
 * This process's part in a cluster on one box without Redis. The workspace's files are the
 * shared state: a token or setting changed here is written to the config file, and the
 * announcement of the reload-config that applied it has every other process read the file again
 * (so a revoked token is refused everywhere); likewise reloads and the secrets file. Failed
 * attempts are counted in the primary, so a guesser gets the limit in all, whichever process its
 * connections reach.
 */
export class ClusterPeers implements Peers {
  private readonly bus = new ClusterBus();

  constructor(private readonly options: { logger: Logger; on: PeerReactions }) {
    this.bus.listen((announcement) => this.heard(announcement));
  }

  attempts(): SharedAttempts {
    return {
      limiter: (options) =>
        new RateLimiterCluster({
          ...options,
          // The primary keeps one limiter per prefix, made with the first options it is given.
          keyPrefix: `failed-auth-${options.points}-per-${options.duration}s`,
          timeoutMs: COUNT_TIMEOUT_MS,
        }),
      announce: (key, ms) => void this.bus.announce({ type: 'locked', key, ms }),
    };
  }

  announce(type: 'reload' | 'reload-config' | 'secrets'): Promise<void> {
    return this.bus.announce({ type });
  }

  private heard(announcement: Announcement): void {
    const { on, logger } = this.options;
    if (announcement.type === 'locked') return on.locked(announcement.key, announcement.ms);
    const act =
      announcement.type === 'secrets'
        ? on.rereadSecrets
        : announcement.type === 'reload'
          ? on.reload
          : on.reloadConfig; // 'reload-config', and 'tokens' (they are in the config file)
    act().catch((error: unknown) =>
      logger.warn(
        { kind: 'system', event: 'cluster-announcement', type: announcement.type, err: error },
        `another process's change could not be applied here (${announcement.type})`,
      ),
    );
  }
}
