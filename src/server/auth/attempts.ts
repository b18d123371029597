import { RateLimiterMemory, type RateLimiterAbstract, type RateLimiterRes } from 'rate-limiter-flexible';
import { HttpError } from '../core/errors.js';

const WINDOW_SECONDS = 60;
/** How many locked keys are kept before the ones past their lock are swept. */
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

/** How many failed attempts a key may make in how many seconds. */
export interface LimiterOptions {
  points: number;
  duration: number;
}

/**
 * Processes that count failed attempts together (replicas in Redis, a cluster's processes in its
 * primary), each lock announced to the others.
 */
export interface SharedAttempts {
  /** A limiter counting in the shared store, for this limit. */
  limiter(options: LimiterOptions): RateLimiterAbstract;
  /** Tells the other processes that `key` is locked out for `ms` more milliseconds. */
  announce(key: string, ms: number): void;
}

/**
 * Failed token attempts per client address (rate-limiter-flexible: in memory, or in the store
 * processes share: see SharedAttempts). Once an address
 * has failed `limit` times in a minute, it is locked out until the minute is over: see
 * `authenticate` for who still gets in. The limiter is asked only when an attempt fails; which
 * addresses are locked is held here (and announced to the other replicas), so checking a request
 * is one look-up in memory, whoever sends it.
 */
export class FailedAttempts {
  private limiter: RateLimiterAbstract;
  /** Keys locked out, with when their lock ends. */
  private readonly locked = new Map<string, number>();
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
    this.locked.clear();
  }

  /** The 429 TOO_MANY_ATTEMPTS an address over its limit gets; undefined for others. */
  lockout(client: string | undefined): HttpError | undefined {
    // Nobody is locked out (the usual case): no key to work out.
    if (!client || this.locked.size === 0) return undefined;
    const key = keyOf(client);
    const until = this.locked.get(key);
    if (until === undefined) return undefined;
    const left = until - Date.now();
    if (left > 0) return tooMany(left);
    this.locked.delete(key);
    return undefined;
  }

  /**
   * Counts a failed attempt; the one that reaches the limit locks the address out, here and (by
   * an announcement sent before this resolves, so before the client has its answer) on the
   * other replicas.
   */
  async fail(client: string | undefined): Promise<void> {
    if (!client) return;
    const key = keyOf(client);
    let counted: RateLimiterRes;
    try {
      counted = await this.limiter.penalty(key, 1);
    } catch {
      return; // neither Redis nor its insurance counted it: the wrong token is answered all the same
    }
    if (counted.consumedPoints < this.limit) return;
    this.lock(key, counted.msBeforeNext);
    this.shared?.announce(key, counted.msBeforeNext);
  }

  /** Locks `key` out for `ms` (an announcement of another replica, or a count here). */
  lock(key: string, ms: number): void {
    const now = Date.now();
    // Locks past their end are dropped, so many addresses locked once each cannot grow this
    // without bound.
    if (this.locked.size >= PRUNE_AT && now >= this.nextSweep) {
      this.nextSweep = now + 1000; // at most a sweep a second, however fast the locks come
      for (const [key, until] of this.locked) if (until <= now) this.locked.delete(key);
    }
    this.locked.set(key, now + ms);
  }

  private create(limit: number): RateLimiterAbstract {
    const options = { points: limit, duration: WINDOW_SECONDS };
    return this.shared ? this.shared.limiter(options) : new RateLimiterMemory(options);
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
