import { EventEmitter } from 'node:events';
import { Redis, type RedisOptions } from 'ioredis';
import { HttpError } from '../core/errors.js';
import type { Logger } from '../logs/logger.js';

/** Where the link to Redis is: not reached yet, up (commands and the channel), or lost. */
export type LinkState = 'connecting' | 'up' | 'down';

export interface LinkEvents {
  /** Commands can be sent and the channel is subscribed: after the first connection, and each reconnection. */
  up: [];
  /** The connection was lost; ioredis reconnects on its own. */
  down: [];
  /** A message on the replicas' channel, as sent. */
  message: [string];
}

/** Tries again every 200 ms at first, then every second, for as long as it takes. */
const retryStrategy = (attempt: number) => Math.min(attempt * 200, 1000);
/** How long a command may wait for Redis before it fails (an admin write then answers 503). */
const COMMAND_TIMEOUT_MS = 2000;

/**
 * The replica's two connections to Redis (ioredis): one for commands, one subscribed to the
 * replicas' channel (a subscribed connection can send nothing else). Commands fail at once while
 * Redis is unreachable (no offline queue), so nothing waits on it; `up` is emitted once both
 * connections are back and the channel is subscribed again, which is when a replica resyncs.
 */
export class RedisLink extends EventEmitter<LinkEvents> {
  readonly commands: Redis;
  private readonly subscriber: Redis;
  private current: LinkState = 'connecting';
  private subscribed = false;
  /** When the link went down, or was first tried. */
  private since = Date.now();

  constructor(
    url: string,
    private readonly channel: string,
    private readonly logger: Logger,
  ) {
    super();
    const options: RedisOptions = {
      retryStrategy,
      connectTimeout: COMMAND_TIMEOUT_MS,
      // A replica that lost Redis keeps serving: nothing queues for it, nothing is retried.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      lazyConnect: true,
    };
    this.commands = new Redis(url, { ...options, connectionName: 'api-deploy' });
    // The subscription is made again by hand on each connection, so `up` follows it.
    this.subscriber = new Redis(url, {
      ...options,
      connectionName: 'api-deploy-subscriber',
      autoResubscribe: false,
      enableOfflineQueue: true,
      commandTimeout: undefined,
    });
    this.commands.on('ready', () => this.check());
    this.subscriber.on('ready', () => {
      this.subscriber.subscribe(this.channel).then(
        () => {
          this.subscribed = true;
          this.check();
        },
        (error: unknown) => this.lost(error),
      );
    });
    for (const client of [this.commands, this.subscriber]) {
      client.on('close', () => {
        if (client === this.subscriber) this.subscribed = false;
        this.lost();
      });
      // ioredis reports every failed reconnection: `lost` logs the first of an outage only.
      client.on('error', (error: unknown) => this.lost(error));
    }
    this.subscriber.on('message', (channel: string, text: string) => {
      if (channel === this.channel) this.emit('message', text);
    });
  }

  /** Starts connecting (and reconnecting, for as long as the link is open). */
  connect(): void {
    for (const client of [this.commands, this.subscriber]) client.connect().catch(() => undefined);
  }

  get state(): LinkState {
    return this.current;
  }

  /** Since when the link is in its state (up, or down). */
  get stateSince(): number {
    return this.since;
  }

  /** 503 SHARED_STATE_UNAVAILABLE unless Redis can be written to now. */
  requireUp(): void {
    if (this.current !== 'up') throw new HttpError('SHARED_STATE_UNAVAILABLE');
  }

  /**
   * Runs a change in Redis, refused (503 SHARED_STATE_UNAVAILABLE) while the link is down; a
   * Redis error on the way (the connection lost mid-change) answers the same, logged in full.
   */
  async write<T>(change: (redis: Redis) => Promise<T>): Promise<T> {
    this.requireUp();
    try {
      return await change(this.commands);
    } catch (error) {
      if (error instanceof HttpError) throw error;
      this.logger.warn({ kind: 'system', event: 'redis-error', err: error }, 'a change in Redis failed');
      throw new HttpError('SHARED_STATE_UNAVAILABLE');
    }
  }

  async close(): Promise<void> {
    this.removeAllListeners();
    // QUIT waits for Redis: only worth sending to one that answers.
    await Promise.all(
      [this.commands, this.subscriber].map((client) =>
        client.status === 'ready' ? client.quit().catch(() => client.disconnect()) : client.disconnect(),
      ),
    );
  }

  private check(): void {
    if (this.current === 'up' || !this.subscribed || this.commands.status !== 'ready') return;
    const was = this.current;
    this.current = 'up';
    this.since = Date.now();
    this.logger.info(
      { kind: 'system', event: 'redis-up' },
      was === 'down' ? 'Redis is reachable again: resyncing the shared state' : 'connected to Redis',
    );
    this.emit('up');
  }

  private lost(error?: unknown): void {
    if (this.current === 'down') return;
    const was = this.current;
    this.current = 'down';
    if (was === 'up') this.since = Date.now();
    // The error names the address (host and port), never the URL's password.
    this.logger.warn(
      { kind: 'system', event: 'redis-down', reason: (error as Error | undefined)?.message },
      was === 'up'
        ? 'Redis is unreachable: serving with the shared state last loaded, refusing changes until it is back'
        : 'Redis cannot be reached yet: trying again',
    );
    if (was === 'up') this.emit('down');
  }
}
