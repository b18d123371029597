// context() from 'api-deploy' (issue 15): what a function knows of the call it answers, across
// the worker boundary, in both styles, sync and async.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectData, expectError } from '../helpers/expect.js';
import { ADMIN, BUSINESS, startServer, type TestServer } from '../helpers/server.js';

const MODULE = `import { apiFunction, context } from 'api-deploy';
import { z } from 'zod';

let outside = '';
try {
  context();
} catch (error) {
  outside = (error as Error).message;
}

const describeCall = () => {
  const c = context();
  return {
    requestId: c.requestId,
    endpoint: c.endpoint,
    custom: c.headers['x-custom'] ?? null,
    credentials: ['authorization', 'cookie'].filter((name) => name in c.headers),
    client: c.client,
    caller: c.caller,
    msLeft: c.deadline - Date.now(),
    aborted: c.signal.aborted,
  };
};

export const plain = apiFunction(() => describeCall());
export const later = apiFunction(async (wait: number = 10) => {
  await new Promise((resolve) => setTimeout(resolve, wait));
  return describeCall();
});
export const typed = apiFunction({ params: z.object({ n: z.number() }) }, ({ n }) => ({ n, ...describeCall() }));
export const topLevel = apiFunction(() => outside);

export const logs = apiFunction(async (what: string) => {
  context().log.info('did ' + what, { items: 3 });
  await new Promise((resolve) => setTimeout(resolve, 5));
  context().log.warn('and then some');
  return 'logged';
});

const fetchWithSignal = async (url: string) => (await fetch(url, { signal: context().signal })).status;
export const fetches = apiFunction({ timeoutMs: 800 }, fetchWithSignal);
// Its time limit is far away: what stops it is the client going away.
export const fetchesLong = apiFunction({ timeoutMs: 60_000 }, fetchWithSignal);
`;

describe('context() in an API function', () => {
  let server: TestServer;
  let slow: http.Server;
  let slowUrl: string;
  const slowRequests: { closed: boolean }[] = [];

  beforeAll(async () => {
    server = await startServer(
      { 'apis/ctx.ts': MODULE },
      { workers: 1, maxWorkers: 2, functionTimeoutMs: 5000 },
    );
    // A server that never answers, to see the function's fetch stopped by its signal.
    slow = http.createServer((req) => {
      const seen = { closed: false };
      slowRequests.push(seen);
      req.socket.once('close', () => (seen.closed = true));
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', () => resolve()));
    slowUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    slow.closeAllConnections();
    await new Promise((resolve) => slow.close(resolve));
    await server.stop();
  });

  const call = (route: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    server.post(
      route,
      { token: BUSINESS, body },
      { 'x-custom': 'hello', cookie: 'session=secret', ...headers },
    );

  it.each([
    ['a plain function', '/ctx/plain', {}],
    ['an async function', '/ctx/later', { wait: 20 }],
    ['a zod-style function', '/ctx/typed', { n: 1 }],
  ])(
    '%s: request id, endpoint, headers without credentials, client, caller, deadline',
    async (_style, route, body) => {
      const answer = await call(route, body);
      expect(answer.status).toBe(200);
      const data = answer.json.data;
      expect(data.requestId).toBe(answer.headers.get('x-request-id'));
      expect(data.endpoint).toBe(route);
      expect(data.custom).toBe('hello');
      expect(data.credentials).toEqual([]);
      expect(data.client).toMatch(/127\.0\.0\.1/);
      expect(data.caller).toEqual({
        tokenId: expect.stringMatching(/^[0-9a-f]{12}$/),
        label: expect.any(String),
        role: 'business',
      });
      expect(data.msLeft).toBeGreaterThan(0);
      expect(data.msLeft).toBeLessThanOrEqual(5000);
      expect(data.aborted).toBe(false);
    },
  );

  it('names an admin caller by its label, and never sees the Authorization header', async () => {
    const answer = await server.post('/ctx/plain', { body: {} }, { authorization: `Bearer ${ADMIN}` });
    expect(answer.json.data.caller).toMatchObject({ label: 'test admin', role: 'admin' });
    expect(answer.json.data.credentials).toEqual([]);
    expect(JSON.stringify(answer.json)).not.toContain(ADMIN);
  });

  it('throws a clear error outside a call', async () => {
    const answer = await call('/ctx/topLevel', {});
    expect(answer.json.data).toMatch(/only available while an API function is answering a call/);
  });

  it("writes the function's own lines as kind app, with the request id", async () => {
    const answer = await call('/ctx/logs', { what: 'the thing' });
    expectData(answer, '/ctx/logs', 'logged');
    const requestId = answer.headers.get('x-request-id');
    await expect
      .poll(async () => {
        const logs = await server.get('/api/logs?type=app', { authorization: `Bearer ${ADMIN}` });
        return (logs.json.data.entries as Record<string, unknown>[]).filter(
          (entry) => entry.requestId === requestId,
        );
      })
      .toEqual([
        expect.objectContaining({
          kind: 'app',
          msg: 'did the thing',
          items: 3,
          endpoint: '/ctx/logs',
          level: 30,
        }),
        expect.objectContaining({ kind: 'app', msg: 'and then some', level: 40 }),
      ]);
  });

  it('aborts a pending fetch when the time limit passes, and answers 504', async () => {
    const before = slowRequests.length;
    const answer = await call('/ctx/fetches', { url: slowUrl });
    expectError(answer, '/ctx/fetches', 504, 'FUNCTION_TIMEOUT');
    expect(slowRequests.length).toBe(before + 1);
    // the function's fetch was stopped by its signal: the slow server saw its client go
    await expect.poll(() => slowRequests.at(-1)!.closed).toBe(true);
  });

  it('aborts it when the client goes away', async () => {
    const before = slowRequests.length;
    const controller = new AbortController();
    const request = fetch(`${server.url}/ctx/fetchesLong`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: BUSINESS, body: { url: slowUrl } }),
      signal: controller.signal,
    }).catch(() => undefined);
    await expect.poll(() => slowRequests.length).toBe(before + 1);
    controller.abort();
    await request;
    await expect.poll(() => slowRequests.at(-1)!.closed).toBe(true);
  });
});
