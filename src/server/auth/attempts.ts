import { RateLimiterMemory } from 'rate-limiter-flexible';
import { HttpError } from '../http/errors.js';

const WINDOW_SECONDS = 60;

/**
 * Failed token attempts per client address (rate-limiter-flexible, in memory). Once an address
 * has failed `limit` times in a minute, it is locked out until the minute is over: see
 * `authenticate` for who still gets in. Addresses that never failed skip the limiter entirely,
 * so the check costs nothing on the hot path.
 */
export class FailedAttempts {
  private limiter: RateLimiterMemory;
  private readonly failing = new Set<string>();

  constructor(private limit: number) {
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
    if (!client || !this.failing.has(client)) return undefined;
    const state = await this.limiter.get(client);
    if (!state) {
      this.failing.delete(client);
      return undefined;
    }
    return state.consumedPoints >= this.limit ? tooMany(state.msBeforeNext) : undefined;
  }

  /** Counts a failed attempt. */
  async fail(client: string | undefined): Promise<void> {
    if (!client) return;
    this.failing.add(client);
    await this.limiter.penalty(client, 1);
  }

  private create(limit: number): RateLimiterMemory {
    return new RateLimiterMemory({ points: limit, duration: WINDOW_SECONDS });
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
