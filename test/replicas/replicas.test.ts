// Replicas behind one load balancer, sharing their state through a real redis-server: tokens made
// or revoked on one hold on all (within a second), failed attempts are counted together, reloads
// are announced, and a replica that loses Redis keeps serving what it had, refuses changes, says
// so, and catches up when Redis is back.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, BUSINESS, startServer, type TestServer } from '../helpers/server.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';

const HELLO = `import { apiFunction, env } from 'api-deploy';
export const hello = apiFunction((name: string = 'World') => 'Hello, ' + name);
export const greeting = apiFunction(() => env.GREETING ?? 'none');
`;
const ADMIN_AUTH = { authorization: `Bearer ${ADMIN}` };
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

function replicaConfig(redis: TestRedis, more: Record<string, unknown> = {}) {
  return {
    redis: { url: redis.url },
    workers: 1,
    maxWorkers: 1,
    logging: { logToFile: false },
    ...more,
  };
}

const call = (server: TestServer, token: string) => server.post('/greet/hello', { body: {} }, bearer(token));

/** How long until `check` holds, in ms; fails after `within` ms. */
async function timeUntil(check: () => Promise<boolean>, within: number): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await check()) return performance.now() - started;
    if (performance.now() - started > within) throw new Error(`not within ${within} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('three replicas sharing one Redis', () => {
  let redis: TestRedis;
  let a: TestServer;
  let b: TestServer;
  let c: TestServer;
  const lines: string[] = [];
  const stdout = { write: (line: string) => lines.push(String(line)) } as unknown as NodeJS.WritableStream;
  /** The secrets file the replicas share (a workspace on one volume). */
  let shared: string;

  beforeAll(async () => {
    redis = await startRedis();
    shared = await mkdtemp(path.join(tmpdir(), 'api-deploy-shared-'));
    const secretsFile = path.join(shared, 'api-deploy.secrets.json');
    const servers = await Promise.all(
      [0, 1, 2].map(() =>
        startServer({ 'apis/greet.ts': HELLO }, replicaConfig(redis), { stdout, secretsFile }),
      ),
    );
    [a, b, c] = servers as [TestServer, TestServer, TestServer];
  });
  afterAll(async () => {
    await Promise.all([a, b, c].map((server) => server?.stop()));
    await redis?.stop();
    await rm(shared, { recursive: true, force: true });
  });

  it('serves the seeded tokens on every replica, and is ready', async () => {
    for (const server of [a, b, c]) {
      expect((await call(server, BUSINESS)).status).toBe(200);
      const ready = await server.get('/readyz');
      expect(ready.status).toBe(200);
      expect(ready.json).toEqual({ status: 'ready' });
      const status = await server.get('/api/status', ADMIN_AUTH);
      expect(status.json.data.sharedState).toMatchObject({ store: 'redis', redis: 'connected' });
    }
  });

  let created: { id: string; token: string };

  it('a token created on A works on B and C', async () => {
    const answer = await a.post('/api/tokens', { label: 'made on A', role: 'business' }, ADMIN_AUTH);
    expect(answer.status).toBe(200);
    created = answer.json.data;
    for (const server of [b, c]) {
      await timeUntil(async () => (await call(server, created.token)).status === 200, 1000);
      const listed = await server.get('/api/tokens', ADMIN_AUTH);
      expect(listed.json.data.tokens).toContainEqual(
        expect.objectContaining({ id: created.id, label: 'made on A' }),
      );
    }
  });

  it('a token revoked on B is refused on A and C within 1 s', async () => {
    const doomed = (await c.post('/api/tokens', { label: 'doomed' }, ADMIN_AUTH)).json.data;
    for (const server of [a, b]) {
      await timeUntil(async () => (await call(server, doomed.token)).status === 200, 1000);
    }
    expect((await b.request('DELETE', `/api/tokens/${doomed.id}`, undefined, ADMIN_AUTH)).status).toBe(200);
    expect((await call(b, doomed.token)).status).toBe(401);
    const elapsed = await Promise.all(
      [a, c].map((server) => timeUntil(async () => (await call(server, doomed.token)).status === 401, 1000)),
    );
    expect(Math.max(...elapsed)).toBeLessThan(1000);
  });

  it('refuses to revoke the last admin token, counting every replica', async () => {
    const listed = (await a.get('/api/tokens', ADMIN_AUTH)).json.data.tokens;
    const admin = listed.find((token: { role: string }) => token.role === 'admin');
    const answer = await c.request('DELETE', `/api/tokens/${admin.id}`, undefined, ADMIN_AUTH);
    expect(answer.status).toBe(409);
    expect(answer.json.code).toBe('LAST_ADMIN_TOKEN');
  });

  it('when a token was last used is written back, so another replica lists it', async () => {
    expect((await call(c, created.token)).status).toBe(200);
    await timeUntil(async () => {
      const listed = (await a.get('/api/tokens', ADMIN_AUTH)).json.data.tokens;
      return listed.some(
        (token: { id: string; lastUsed?: string }) => token.id === created.id && token.lastUsed,
      );
    }, 5000);
  });

  it('a call costs no Redis command: tokens are held locally, uses written back in batches', async () => {
    const client = new Redis(redis.url);
    const processed = async () =>
      Number(/total_commands_processed:(\d+)/.exec(await client.info('stats'))![1]);
    try {
      const before = await processed();
      for (let call = 0; call < 200; call++) {
        expect((await a.post('/greet/hello', { body: {} }, bearer(created.token))).status).toBe(200);
      }
      // the INFO itself, and at most a batch of uses per replica every 2 s (two commands each)
      expect((await processed()) - before).toBeLessThan(20);
    } finally {
      client.disconnect();
    }
  });

  it('POST /api/reload on one replica reloads all', async () => {
    const generationOf = async (server: TestServer) =>
      (await server.get('/api/status', ADMIN_AUTH)).json.data.generation;
    const before = await Promise.all([b, c].map(generationOf));
    expect((await a.post('/api/reload', {}, ADMIN_AUTH)).status).toBe(200);
    await Promise.all(
      [b, c].map((server, index) =>
        timeUntil(async () => (await generationOf(server)) > before[index]!, 5000),
      ),
    );
  });

  it('a config reloaded on one replica is reloaded on all', async () => {
    const configFile = path.join(c.dir, 'api-deploy.config.json');
    const config = JSON.parse(await readFile(configFile, 'utf8'));
    await writeFile(configFile, JSON.stringify({ ...config, debug: false }));
    expect((await a.post('/api/reload-config', {}, ADMIN_AUTH)).status).toBe(200);
    await timeUntil(async () => (await c.get('/api/status', ADMIN_AUTH)).json.data.debug === false, 5000);
  });

  it('a secret set on one replica reaches the functions of all (a secrets file they share)', async () => {
    expect((await b.request('PUT', '/api/secrets/GREETING', { value: 'hi from B' }, ADMIN_AUTH)).status).toBe(
      200,
    );
    for (const server of [a, c]) {
      await timeUntil(async () => {
        const answer = await server.post('/greet/greeting', { body: {} }, bearer(BUSINESS));
        return answer.json.data === 'hi from B';
      }, 5000);
    }
  });

  it('keeps token values out of Redis and out of every log line', async () => {
    const client = new Redis(redis.url);
    try {
      const keys = await client.keys('*');
      const dump = JSON.stringify(
        await Promise.all(
          keys.map(async (key) => {
            const type = await client.type(key);
            if (type === 'hash') return client.hgetall(key);
            if (type === 'zset') return client.zrange(key, 0, -1);
            if (type === 'string') return client.get(key);
            return type;
          }),
        ),
      );
      expect(dump).toContain(created.id);
      expect(dump).not.toContain(created.token);
      expect(dump).not.toContain(BUSINESS);
      expect(dump).not.toContain(ADMIN);
    } finally {
      client.disconnect();
    }
    expect(lines.join('')).not.toContain(created.token);
  });

  describe('when Redis goes away', () => {
    it('calls keep succeeding, changes get 503, and /readyz says why', async () => {
      await redis.kill();
      for (const server of [a, b, c]) {
        await timeUntil(
          async () =>
            (await server.get('/api/status', ADMIN_AUTH)).json.data.sharedState.redis === 'unreachable',
          5000,
        );
      }
      for (const server of [a, b, c]) {
        expect((await call(server, BUSINESS)).status).toBe(200);
        expect((await call(server, created.token)).status).toBe(200);
        expect((await server.get('/api/tokens', ADMIN_AUTH)).status).toBe(200);
      }
      const refused = await b.post('/api/tokens', { label: 'while down' }, ADMIN_AUTH);
      expect(refused.status).toBe(503);
      expect(refused.json.code).toBe('SHARED_STATE_UNAVAILABLE');
      expect(refused.json.error).toMatch(/Redis.*unreachable/);
      expect((await a.request('DELETE', `/api/tokens/${created.id}`, undefined, ADMIN_AUTH)).status).toBe(
        503,
      );
      expect((await c.post('/api/reload', {}, ADMIN_AUTH)).status).toBe(503);
      const ready = await a.get('/readyz');
      expect(ready.status).toBe(200);
      expect(ready.json.warnings).toEqual([expect.stringMatching(/Redis is unreachable/)]);
    });

    it('converges when Redis is back on the same port, empty', async () => {
      await redis.restart();
      for (const server of [a, b, c]) {
        await timeUntil(
          async () =>
            (await server.get('/api/status', ADMIN_AUTH)).json.data.sharedState.redis === 'connected',
          5000,
        );
        expect((await server.get('/readyz')).json).toEqual({ status: 'ready' });
      }
      // Seeded again from what the replicas had, not from their config files.
      const listed = (await c.get('/api/tokens', ADMIN_AUTH)).json.data.tokens;
      expect(listed.map((token: { label: string }) => token.label)).toEqual(
        expect.arrayContaining(['made on A']),
      );
      expect(listed.map((token: { label: string }) => token.label)).not.toContain('doomed');
      const after = (await b.post('/api/tokens', { label: 'after the outage' }, ADMIN_AUTH)).json.data;
      for (const server of [a, c]) {
        await timeUntil(async () => (await call(server, after.token)).status === 200, 1000);
      }
      expect((await a.request('DELETE', `/api/tokens/${created.id}`, undefined, ADMIN_AUTH)).status).toBe(
        200,
      );
      for (const server of [b, c]) {
        await timeUntil(async () => (await call(server, created.token)).status === 401, 1000);
      }
    });
  });
});

describe('a replica started before Redis', () => {
  let redis: TestRedis;
  let server: TestServer;

  beforeAll(async () => {
    redis = await startRedis();
    await redis.kill();
    // start() waits a few seconds for Redis, then serves anyway
    server = await startServer({ 'apis/greet.ts': HELLO }, replicaConfig(redis));
  });
  afterAll(async () => {
    await server?.stop();
    await redis?.stop();
  });

  it('is not ready until it has loaded the shared tokens, then seeds an empty Redis from its config', async () => {
    const waiting = await server.get('/readyz');
    expect(waiting.status).toBe(503);
    expect(waiting.json.reasons).toEqual(['the shared tokens have not been loaded from Redis yet']);
    expect((await server.post('/api/tokens', { label: 'too soon' }, ADMIN_AUTH)).status).toBe(503);
    await redis.restart();
    await timeUntil(async () => (await server.get('/readyz')).status === 200, 5000);
    const client = new Redis(redis.url);
    try {
      expect(await client.hlen('api-deploy:tokens')).toBe(2); // the config's business and admin tokens
    } finally {
      client.disconnect();
    }
    expect((await call(server, BUSINESS)).status).toBe(200);
  });

  it('stops promptly while Redis is gone', async () => {
    await redis.kill();
    const started = performance.now();
    await server.stop();
    expect(performance.now() - started).toBeLessThan(3000);
  });
});

describe('failed token attempts over replicas', () => {
  const LIMIT = 5;
  let redis: TestRedis;
  let a: TestServer;
  let b: TestServer;
  /** A replica no guess is sent to until the address is locked out. */
  let c: TestServer;
  let alone: TestServer;

  beforeAll(async () => {
    redis = await startRedis();
    const config = replicaConfig(redis, { maxFailedAuthPerMinute: LIMIT });
    [a, b, c, alone] = await Promise.all([
      startServer({ 'apis/greet.ts': HELLO }, config),
      startServer({ 'apis/greet.ts': HELLO }, config),
      startServer({ 'apis/greet.ts': HELLO }, config),
      startServer(
        { 'apis/greet.ts': HELLO },
        { workers: 1, maxWorkers: 1, maxFailedAuthPerMinute: LIMIT, logging: { logToFile: false } },
      ),
    ]);
  });
  afterAll(async () => {
    await Promise.all([a, b, c, alone].map((server) => server?.stop()));
    await redis?.stop();
  });

  it('spread over two replicas, answer 429 at the same attempt as one server does', async () => {
    const statuses = async (servers: TestServer[]) => {
      const seen: number[] = [];
      for (let attempt = 0; attempt < LIMIT + 2; attempt++) {
        seen.push((await call(servers[attempt % servers.length]!, `wrong-guess-${attempt}`)).status);
      }
      return seen;
    };
    const oneServer = await statuses([alone]);
    expect(oneServer).toEqual([...Array(LIMIT).fill(401), 429, 429]);
    expect(await statuses([a, b])).toEqual(oneServer);
  });

  it('lock the address out on a replica it never tried, even with a right (guessable) token', async () => {
    expect((await call(c, 'one-more-guess')).status).toBe(429);
    // The lock gives a guesser no answer: a right guess is refused as a wrong one is.
    expect((await call(c, BUSINESS)).status).toBe(429);
  });
});
