import { HttpError } from '../core/errors.js';
import { recordId, tokenRecordSchema, type TokenRecord } from '../auth/tokens.js';
import type { Logger } from '../logs/logger.js';
import type { RedisLink } from './link.js';

/** Writes `ARGV` (id, record, id, record...) as the tokens, unless they were written before. */
const SEED = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
for i = 1, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
redis.call('SET', KEYS[1], '1')
return 1`;

/** Removes token `ARGV[1]` and its last use, unless it is the last admin token. */
const REVOKE = `
local record = redis.call('HGET', KEYS[1], ARGV[1])
if not record then return 'not-found' end
if cjson.decode(record).role == 'admin' then
  local admins = 0
  for _, other in ipairs(redis.call('HVALS', KEYS[1])) do
    if cjson.decode(other).role == 'admin' then admins = admins + 1 end
  end
  if admins <= 1 then return 'last-admin' end
end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 'revoked'`;

/**
 * The replicas' tokens in Redis, their source of truth: a hash of records by id (digests, never
 * values: tokens.ts), a marker that they were seeded, and when each was last used (a sorted set
 * written with `ZADD GT`, so a replica's older use never overwrites a newer one). Each change is
 * one atomic step (a Lua script where it reads before it writes).
 */
export class SharedTokens {
  private readonly keys: { records: string; seeded: string; used: string };

  constructor(
    private readonly link: RedisLink,
    prefix: string,
    private readonly logger: Logger,
  ) {
    this.keys = {
      records: `${prefix}tokens`,
      seeded: `${prefix}tokens:seeded`,
      used: `${prefix}tokens:used`,
    };
  }

  /** Seeds the tokens with `records` if Redis has none yet; whether it did. */
  async seed(records: readonly TokenRecord[]): Promise<boolean> {
    const pairs = records.flatMap((record) => [recordId(record), JSON.stringify(record)]);
    const seeded = await this.link.write((redis) =>
      redis.eval(SEED, 2, this.keys.seeded, this.keys.records, ...pairs),
    );
    return seeded === 1;
  }

  /** The tokens in force: admin ones first, then by creation, as the config file lists them. */
  async load(): Promise<TokenRecord[]> {
    const stored = await this.link.commands.hgetall(this.keys.records);
    const records: TokenRecord[] = [];
    for (const [id, text] of Object.entries(stored)) {
      const parsed = tokenRecordSchema.safeParse(parseJson(text));
      if (parsed.success && recordId(parsed.data) === id) records.push(parsed.data);
      else
        this.logger.warn({ kind: 'system', event: 'redis-token', id }, 'ignored a malformed token in Redis');
    }
    const rank = (record: TokenRecord) => (record.role === 'admin' ? 0 : 1);
    return records.sort(
      (a, b) =>
        rank(a) - rank(b) ||
        (a.created ?? '').localeCompare(b.created ?? '') ||
        a.digest.localeCompare(b.digest),
    );
  }

  async add(record: TokenRecord): Promise<void> {
    await this.link.write((redis) => redis.hset(this.keys.records, recordId(record), JSON.stringify(record)));
  }

  /** Revokes a token: 404 TOKEN_NOT_FOUND, or 409 LAST_ADMIN_TOKEN when it is the last admin's. */
  async revoke(id: string): Promise<void> {
    const outcome = await this.link.write((redis) =>
      redis.eval(REVOKE, 2, this.keys.records, this.keys.used, id),
    );
    if (outcome === 'not-found') throw new HttpError('TOKEN_NOT_FOUND', `No token with id ${id}`);
    if (outcome === 'last-admin') throw new HttpError('LAST_ADMIN_TOKEN');
  }

  /** Records uses (id → time in ms), then answers the latest use of each token by any replica. */
  async recordUses(uses: ReadonlyMap<string, number>): Promise<Map<string, number>> {
    const redis = this.link.commands;
    const pipeline = redis.pipeline();
    if (uses.size > 0) {
      pipeline.zadd(this.keys.used, 'GT', ...[...uses].flatMap(([id, time]) => [time, id]));
    }
    pipeline.zrange(this.keys.used, 0, -1, 'WITHSCORES');
    const results = (await pipeline.exec()) ?? [];
    const [error, latest] = results.at(-1) ?? [new Error('no answer')];
    if (error) throw error;
    const pairs = latest as string[];
    const merged = new Map<string, number>();
    for (let index = 0; index < pairs.length; index += 2) merged.set(pairs[index]!, Number(pairs[index + 1]));
    return merged;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
