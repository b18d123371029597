import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { HttpError } from '../core/errors.js';

const WINDOW_SECONDS = 60;
/** How many failing keys are kept before the ones past their window are swept. */
const PRUNE_AT = 1000;

/**
 * What failed attempts are counted by: an IPv4 address, or an IPv6 address's /64 network. One
 * host usually holds a whole /64 and could otherwise try from a new address each time.
 */
export function keyOf(address: string): string {
  if (!address.includes(':') || address.toLowerCase().startsWith('::ffff:')) return address;
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((group) => (Number.parseInt(group, 16) || 0).toString(16))
    .join(':')}::/64`;
}

/** Replicas count failed attempts together: in Redis, each failure announced to the others. */
export interface SharedAttempts {
  client: Redis;
  /** Prefix of the limiter's keys in Redis. */
  keyPrefix: string;
  /** Tells the other replicas that `key` failed, so they ask the limiter about it too. */
  announce(key: string): void;
}

/**
 * Failed token attempts per client address (rate-limiter-flexible: in memory, or in Redis when
 * replicas share one, with memory as its insurance while Redis is unreachable). Once an address
 * has failed `limit` times in a minute, it is locked out until the minute is over: see
 * `authenticate` for who still gets in. Addresses that never failed (here or, announced, on
 * another replica) skip the limiter entirely, so the check costs nothing on the hot path.
 */
export class FailedAttempts {
  private limiter: RateLimiterAbstract;
  /** Keys that failed, with when their window ends: the ones worth asking the limiter about. */
  private readonly failing = new Map<string, number>();
  private nextSweep = 0;

  constructor(
    private limit: number,
    private readonly shared?: SharedAttempts,
  ) {
    this.limiter = this.create(limit);
  }

  setLimit(limit: number): void {
    if (limit === this.limit) return;
    this.limit = limit;
    this.limiter = this.create(limit);
    this.failing.clear();
  }

  /** The 429 TOO_MANY_ATTEMPTS an address over its limit gets; undefined for others. */
  async lockout(client: string | undefined): Promise<HttpError | undefined> {
    // Nobody failed (the usual case): no key to work out.
    if (!client || this.failing.size === 0) return undefined;
    const key = keyOf(client);
    if (!this.failing.has(key)) return undefined;
    const state = await this.limiter.get(key);
    if (!state) {
      this.failing.delete(key);
      return undefined;
    }
    return state.consumedPoints >= this.limit ? tooMany(state.msBeforeNext) : undefined;
  }

  /** Counts a failed attempt. */
  async fail(client: string | undefined): Promise<void> {
    if (!client) return;
    const key = keyOf(client);
    this.noteFailing(key);
    // Both are sent before this returns (ioredis writes at once), so they reach Redis before the
    // client has its answer and can try another replica.
    const counted = this.limiter.penalty(key, 1);
    this.shared?.announce(key);
    await counted;
  }

  /** `key` failed (here, or on another replica): ask the limiter about it for a window. */
  noteFailing(key: string): void {
    const now = Date.now();
    // Keys of addresses that stopped failing are dropped once their window is over, so many
    // addresses failing once each cannot grow this without bound.
    if (this.failing.size >= PRUNE_AT && now >= this.nextSweep) {
      this.nextSweep = now + 1000; // at most a sweep a second, however fast the failures come
      for (const [failed, until] of this.failing) if (until <= now) this.failing.delete(failed);
    }
    this.failing.set(key, now + WINDOW_SECONDS * 1000);
  }

  private create(limit: number): RateLimiterAbstract {
    const options = { points: limit, duration: WINDOW_SECONDS };
    if (!this.shared) return new RateLimiterMemory(options);
    return new RateLimiterRedis({
      ...options,
      storeClient: this.shared.client,
      keyPrefix: this.shared.keyPrefix,
      // While Redis is unreachable each replica counts on its own, at once rather than waiting.
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory(options),
    });
  }
}

function tooMany(msBeforeNext: number): HttpError {
  const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  const error = new HttpError(
    'TOO_MANY_ATTEMPTS',
    `Too many failed token attempts from this address; try again in ${seconds} s`,
  );
  error.headers = { 'retry-after': String(seconds) };
  return error;
}
