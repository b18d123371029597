import { RateLimiterMemory } from 'rate-limiter-flexible';
import { HttpError } from '../http/errors.js';

const WINDOW_SECONDS = 60;

/**
 * Failed token attempts per client address (rate-limiter-flexible, in memory). Once an address
 * has failed `limit` times in a minute, it gets 429 TOO_MANY_ATTEMPTS with a Retry-After until the minute is
 * over, whatever token it sends. Addresses that never failed skip the limiter entirely, so the
 * check costs nothing on the hot path.
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

  /** Throws TOO_MANY_ATTEMPTS when the address is over its limit. */
  async check(client: string | undefined): Promise<void> {
    if (!client || !this.failing.has(client)) return;
    const state = await this.limiter.get(client);
    if (!state) {
      this.failing.delete(client);
      return;
    }
    if (state.consumedPoints >= this.limit) throw tooMany(state.msBeforeNext);
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
