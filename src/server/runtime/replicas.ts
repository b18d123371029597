import type { SharedStateStatus } from '../../shared/admin-api.js';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import type { SharedAttempts } from '../auth/attempts.js';
import { recordId, recordOf, type TokenRecord, type TokenStore } from '../auth/tokens.js';
import type { Config } from '../config/schema.js';
import type { SharedState, TokenWriter } from '../http/context.js';
import type { Logger } from '../logs/logger.js';
import { ReplicaBus, type Announcement } from '../replicas/bus.js';
import { RedisLink } from '../replicas/link.js';
import { SharedTokens } from '../replicas/shared-tokens.js';
import type { StateCell } from './state.js';

/** How often a replica writes back when its tokens were last used (and reads the others'). */
const USES_FLUSH_MS = 2000;
/** How long start-up waits for Redis before serving with what it has (and saying so in /readyz). */
const FIRST_SYNC_WAIT_MS = 5000;

export interface ReplicasOptions {
  redis: NonNullable<Config['redis']>;
  state: StateCell;
  logger: Logger;
  /** The token store of shared records (session tokens and uses carried over). */
  storeOf(records: readonly TokenRecord[]): TokenStore;
  /** The tokens an empty Redis is seeded with by a replica that never loaded any: its config's. */
  seedRecords(): TokenRecord[];
  /** When each token was last used here (the token stores write it on each call). */
  uses: Map<string, number>;
  /** A token value this replica made: the log sink scrubs it. */
  remember(value: string): void;
  /** What the other replicas' announcements make this one do. */
  on: {
    /** An address reached its limit of failed attempts on another replica. */
    locked(key: string, ms: number): void;
    /** The tokens were loaded again after another replica changed them. */
    tokensChanged(): void;
    reload(): Promise<unknown>;
    reloadConfig(): Promise<unknown>;
    rereadSecrets(): Promise<unknown>;
  };
}

/**
 * This replica's part in the state replicas share through Redis. The tokens are held locally
 * (a call never waits on Redis) and kept in step: a change is written to Redis, then announced
 * on the channel, and each replica loads the tokens again when it hears of it, and whenever its
 * link comes back up. When tokens were last used is written back in batches. While Redis is
 * unreachable the replica serves with what it loaded last and refuses changes (503).
 *
 * Seeding: the first replica to reach an empty Redis writes its tokens into it: the ones it
 * loaded last (Redis restarted without its data), or, never having loaded any, its config file's.
 */
export class Replicas implements SharedState {
  readonly tokens: TokenWriter;
  private readonly link: RedisLink;
  private readonly bus: ReplicaBus;
  private readonly shared: SharedTokens;
  /** The tokens last loaded from Redis; undefined until the first time. */
  private records: TokenRecord[] | undefined;
  private syncedAt: number | undefined;
  /** Loads one at a time, in order, so the latest one asked for is the one applied last. */
  private loading: Promise<unknown> = Promise.resolve();
  /** The last use of each token Redis has from this replica (or told it of). */
  private readonly flushed = new Map<string, number>();
  private flushTimer: NodeJS.Timeout | undefined;
  /** The link was up, then lost: on its return, catch up on what was announced meanwhile. */
  private missedAnnouncements = false;
  private firstSync: Promise<void>;
  private synced!: () => void;

  constructor(private readonly options: ReplicasOptions) {
    const { redis, logger } = options;
    const channel = `${redis.prefix}events`;
    this.link = new RedisLink(redis.url, channel, logger);
    this.bus = new ReplicaBus(this.link, channel, logger);
    this.shared = new SharedTokens(this.link, redis.prefix, logger);
    this.firstSync = new Promise((resolve) => (this.synced = resolve));
    this.link.on('up', () => void this.catchUp());
    this.link.on('down', () => (this.missedAnnouncements = true));
    this.bus.listen((announcement) => this.heard(announcement));
    this.tokens = {
      add: async (entry, role) => {
        await this.shared.add(recordOf(entry, role));
        this.options.remember(entry.token);
        await this.changedTokens();
      },
      remove: async (id) => {
        await this.shared.revoke(id);
        await this.changedTokens();
      },
    };
  }

  /**
   * How the failed-attempts limiter counts in Redis with the other replicas (rate-limiter-flexible's
   * Redis limiter, with memory as its insurance while Redis is unreachable).
   */
  attempts(): SharedAttempts {
    return {
      limiter: (options) =>
        new RateLimiterRedis({
          ...options,
          storeClient: this.link.commands,
          keyPrefix: `${this.options.redis.prefix}failed-auth`,
          // While Redis is unreachable each replica counts on its own, at once rather than waiting.
          rejectIfRedisNotReady: true,
          insuranceLimiter: new RateLimiterMemory(options),
        }),
      announce: (key, ms) => void this.bus.announce({ type: 'locked', key, ms }),
    };
  }

  /** Connects; resolves once the shared tokens are loaded, or after a while without Redis. */
  async start(): Promise<void> {
    this.link.connect();
    this.flushTimer = setInterval(() => void this.flushUses(), USES_FLUSH_MS).unref();
    let waited: NodeJS.Timeout | undefined;
    await Promise.race([
      this.firstSync,
      new Promise<void>((resolve) => (waited = setTimeout(resolve, FIRST_SYNC_WAIT_MS))),
    ]);
    clearTimeout(waited);
  }

  async stop(): Promise<void> {
    clearInterval(this.flushTimer);
    await this.flushUses();
    await this.link.close();
  }

  /** The token store of the shared tokens last loaded; undefined before they first are. */
  tokenStore(): TokenStore | undefined {
    return this.records && this.options.storeOf(this.records);
  }

  /** Tells the other replicas (modules or config reloaded here, secrets written). */
  announce(type: 'reload' | 'reload-config' | 'secrets'): Promise<void> {
    return this.bus.announce({ type });
  }

  status(): SharedStateStatus {
    const { state, stateSince } = this.link;
    return {
      store: 'redis',
      redis: state === 'up' ? 'connected' : state === 'down' ? 'unreachable' : 'connecting',
      since: new Date(stateSince).toISOString(),
      ...(this.syncedAt !== undefined && { syncedAt: new Date(this.syncedAt).toISOString() }),
      replica: this.bus.id,
    };
  }

  notReadyReason(): string | undefined {
    return this.records ? undefined : 'the shared tokens have not been loaded from Redis yet';
  }

  warning(): string | undefined {
    if (this.link.state === 'up' || !this.records) return undefined;
    return 'Redis is unreachable: serving with the shared state last loaded; changes are refused until it is back';
  }

  refuseChangesWhileDown(): void {
    this.link.requireUp();
  }

  /** A token was added or revoked here: load them again, then tell the others. */
  private async changedTokens(): Promise<void> {
    await this.load();
    await this.bus.announce({ type: 'tokens' });
  }

  /** Loads the shared tokens and serves them. */
  private load(): Promise<void> {
    const next = this.loading.then(async () => {
      const records = await this.shared.load();
      this.records = records;
      this.syncedAt = Date.now();
      this.options.state.update({ tokens: this.options.storeOf(records) });
    });
    this.loading = next.catch(() => undefined);
    return next;
  }

  /** The link is up (again): seed an empty Redis, load the tokens, and catch up. */
  private async catchUp(): Promise<void> {
    const { logger, on } = this.options;
    try {
      const seed = this.records ?? this.options.seedRecords();
      if (await this.shared.seed(seed)) {
        logger.info(
          { kind: 'system', event: 'redis-seeded', tokens: seed.length },
          `Redis had no tokens: seeded it with ${seed.length} from ${this.records ? 'the shared state last loaded' : 'the config file'}`,
        );
      }
      await this.load();
      this.synced();
      // Redis may have restarted empty: every use it had from here goes again.
      this.flushed.clear();
      await this.flushUses();
      if (this.missedAnnouncements) {
        this.missedAnnouncements = false;
        await on.rereadSecrets();
        await on.reloadConfig();
        await on.reload();
      }
    } catch (error) {
      logger.warn(
        { kind: 'system', event: 'redis-error', err: error },
        'the shared state could not be loaded',
      );
    }
  }

  private heard(announcement: Announcement): void {
    const { on, logger } = this.options;
    if (announcement.type === 'locked') return on.locked(announcement.key, announcement.ms);
    const act =
      announcement.type === 'tokens'
        ? () => this.load().then(on.tokensChanged)
        : announcement.type === 'secrets'
          ? on.rereadSecrets
          : announcement.type === 'reload'
            ? on.reload
            : on.reloadConfig;
    act().catch((error: unknown) =>
      logger.warn(
        { kind: 'system', event: 'replica-announcement', type: announcement.type, err: error },
        `another replica's change could not be applied here (${announcement.type})`,
      ),
    );
  }

  /** Writes back the uses since the last time, and takes the other replicas' later ones. */
  private async flushUses(): Promise<void> {
    if (this.link.state !== 'up') return;
    const { uses } = this.options;
    // Shared tokens only: not a session token of this process, nor one revoked meanwhile.
    const shared = new Set(this.records?.map(recordId));
    const fresh = new Map(
      [...uses].filter(([id, time]) => shared.has(id) && time > (this.flushed.get(id) ?? 0)),
    );
    try {
      const latest = await this.shared.recordUses(fresh);
      for (const [id, time] of fresh) this.flushed.set(id, time);
      for (const [id, time] of latest) {
        if (time > (uses.get(id) ?? 0)) uses.set(id, time);
        if (time > (this.flushed.get(id) ?? 0)) this.flushed.set(id, time);
      }
    } catch (error) {
      this.options.logger.debug(
        { kind: 'system', event: 'redis-error', err: error },
        'token uses were not written back; they will be next time',
      );
    }
  }
}
