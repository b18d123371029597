// The limits a public server needs (issue 13): what Node's HTTP parser refuses is answered with
// the envelope, methods a path does not serve get 405, and slow or silent clients are closed
// at their time limit without keeping anyone else waiting.
import type net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectData, ok } from '../helpers/expect.js';
import { openIdle, sendRaw } from '../helpers/raw.js';
import { ADMIN, startServer, type TestServer } from '../helpers/server.js';

const HELLO = `import { apiFunction } from 'api-deploy';
export const hello = apiFunction(() => 'hi');
export const env = apiFunction(() => ({
  server: process.env.API_DEPLOY_LIMITS_TEST ?? null,
  other: process.env.LIMITS_TEST_OTHER ?? null,
}));
`;
const LIGHT = { workers: 1, maxWorkers: 2 };
const ADMIN_AUTH = { authorization: `Bearer ${ADMIN}` };

/** The reply is the error envelope with this status and code, on a connection closed after it. */
function expectRefusal(reply: Awaited<ReturnType<typeof sendRaw>>, status: number, code: string): void {
  expect(reply.status).toBe(status);
  expect(reply.headers['content-type']).toMatch(/^application\/json/);
  expect(reply.headers['x-request-id']).toMatch(/^[\w-]{36}$/);
  expect(JSON.parse(reply.body)).toEqual({ success: false, error: expect.any(String), code, endpoint: '' });
}

describe("what Node's HTTP parser refuses is answered with the envelope", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ 'apis/greet.ts': HELLO }, LIGHT);
  });
  afterAll(() => server.stop());

  const head = (lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;

  it('a URL over 16 KB: 431 HEADERS_TOO_LARGE', async () => {
    const reply = await sendRaw(server.url, head([`GET /${'a'.repeat(20_000)} HTTP/1.1`, 'Host: x']));
    expectRefusal(reply, 431, 'HEADERS_TOO_LARGE');
  });

  it('headers over 16 KB: 431 HEADERS_TOO_LARGE', async () => {
    const reply = await sendRaw(
      server.url,
      head(['GET / HTTP/1.1', 'Host: x', `X-Big: ${'b'.repeat(20_000)}`]),
    );
    expectRefusal(reply, 431, 'HEADERS_TOO_LARGE');
  });

  it.each([
    ['NUL in a header value', head(['GET / HTTP/1.1', 'Host: x', 'X-A: a\u0000b'])],
    ['a bare CR in a header value', head(['GET / HTTP/1.1', 'Host: x', 'X-A: a\rb'])],
    ['a space in a header name', head(['GET / HTTP/1.1', 'Host: x', 'X A: b'])],
    [
      'Content-Length beside Transfer-Encoding (smuggling)',
      head(['POST /greet/hello HTTP/1.1', 'Host: x', 'Content-Length: 5', 'Transfer-Encoding: chunked']) +
        '0\r\n\r\n',
    ],
    [
      'a chunk size that is not hexadecimal',
      head(['POST /greet/hello HTTP/1.1', 'Host: x', 'Transfer-Encoding: chunked']) + 'zz\r\n',
    ],
    [
      'two Content-Length headers that differ',
      head(['POST /x HTTP/1.1', 'Host: x', 'Content-Length: 1', 'Content-Length: 2']),
    ],
    ['an HTTP version that is not one', head(['GET / HTTP/9.9', 'Host: x'])],
  ])('%s: 400 BAD_REQUEST', async (_what, payload) => {
    expectRefusal(await sendRaw(server.url, payload), 400, 'BAD_REQUEST');
  });

  it('a TLS handshake (https:// to this plain port): 400, saying to use http://', async () => {
    const hello = Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]);
    const reply = await sendRaw(server.url, hello);
    expectRefusal(reply, 400, 'BAD_REQUEST');
    expect(JSON.parse(reply.body).error).toMatch(/http:\/\//);
  });

  it('an unknown method: 405 METHOD_NOT_ALLOWED', async () => {
    expectRefusal(
      await sendRaw(server.url, head(['FROB /greet/hello HTTP/1.1', 'Host: x'])),
      405,
      'METHOD_NOT_ALLOWED',
    );
  });

  it('each is logged as a request line with its status, and the server serves on', async () => {
    await expect
      .poll(async () => {
        const logs = await server.get('/api/logs?type=request&endpoint=-', ADMIN_AUTH);
        return (logs.json.data.entries as { status: number }[]).map((entry) => entry.status);
      })
      .toEqual(expect.arrayContaining([400, 405, 431]));
    expectData(await ok(server, '/greet/hello'), '/greet/hello', 'hi');
  });
});

describe('methods a path does not serve', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ 'apis/greet.ts': HELLO }, LIGHT);
  });
  afterAll(() => server.stop());

  it.each(['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'PROPFIND'])(
    '%s on a business endpoint: 405 METHOD_NOT_ALLOWED, Allow: POST',
    async (method) => {
      const answer = await server.request(method, '/greet/hello');
      expect(answer.status).toBe(405);
      expect(answer.headers.get('allow')).toBe('POST');
      expect(answer.json).toEqual({
        success: false,
        error: expect.stringContaining('answers POST'),
        code: 'METHOD_NOT_ALLOWED',
        endpoint: '/greet/hello',
      });
    },
  );

  it('OPTIONS on the admin API and the panel: the envelope, not plain text', async () => {
    for (const route of ['/api/reload', '/api/files/greet.ts', '/panel/', '/']) {
      const answer = await server.request('OPTIONS', route);
      expect(answer.status).toBe(405);
      expect(answer.json).toMatchObject({ success: false, code: 'METHOD_NOT_ALLOWED' });
    }
  });

  it('a method on a path with no endpoint at all stays 404', async () => {
    const answer = await server.request('DELETE', '/greet/nothing');
    expect(answer.status).toBe(404);
    expect(answer.json.code).toBe('ENDPOINT_NOT_FOUND');
  });
});

describe('slow and silent clients', () => {
  let server: TestServer;
  const sockets: net.Socket[] = [];
  beforeAll(async () => {
    server = await startServer(
      { 'apis/greet.ts': HELLO },
      { ...LIGHT, headersTimeoutMs: 1000, requestTimeoutMs: 2000, maxConnections: 400 },
    );
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.destroy();
  });
  afterAll(() => server.stop());

  const closed = (socket: net.Socket) =>
    new Promise<void>((resolve) => socket.once('close', () => resolve()));

  it('300 silent connections, 20 sending headers slowly and 20 a body slowly: a call is answered, then all of them are closed', async () => {
    const silent = await Promise.all(Array.from({ length: 300 }, () => openIdle(server.url)));
    const slowHeaders = await Promise.all(Array.from({ length: 20 }, () => openIdle(server.url)));
    const slowBodies = await Promise.all(Array.from({ length: 20 }, () => openIdle(server.url)));
    sockets.push(...silent, ...slowHeaders, ...slowBodies);
    for (const socket of slowHeaders) socket.write('POST /greet/hello HTTP/1.1\r\nHost: x\r\n');
    for (const socket of slowBodies) {
      socket.write('POST /greet/hello HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{');
    }
    const trickle = setInterval(() => {
      for (const socket of slowHeaders) if (!socket.destroyed) socket.write('X-Slow: 1\r\n');
      for (const socket of slowBodies) if (!socket.destroyed) socket.write(' ');
    }, 200);
    try {
      const allClosed = Promise.all(sockets.map(closed));
      expectData(await ok(server, '/greet/hello'), '/greet/hello', 'hi');
      await allClosed; // the test's own time limit fails it if any stays open
    } finally {
      clearInterval(trickle);
    }
    expectData(await ok(server, '/greet/hello'), '/greet/hello', 'hi');
  });

  it('the limits are settings, applied by a config change', async () => {
    const saved = await server.request(
      'PUT',
      '/api/config',
      { config: { headersTimeoutMs: 1500 } },
      ADMIN_AUTH,
    );
    expect(saved.status).toBe(200);
    expect(saved.json.data.config).toMatchObject({
      headersTimeoutMs: 1500,
      requestTimeoutMs: 2000,
      maxConnections: 400,
    });
    const refused = await server.request(
      'PUT',
      '/api/config',
      { config: { headersTimeoutMs: 5000, requestTimeoutMs: 2000 } },
      ADMIN_AUTH,
    );
    expect(refused.status).toBe(422);
    expect(refused.json.details[0].path).toBe('headersTimeoutMs');
  });
});

describe('the connection cap', () => {
  let server: TestServer;
  const sockets: net.Socket[] = [];
  beforeAll(async () => {
    // Silent connections would be closed only after a minute: what closes the extra one is the cap.
    server = await startServer(
      { 'apis/greet.ts': HELLO },
      { ...LIGHT, headersTimeoutMs: 60_000, requestTimeoutMs: 60_000, maxConnections: 50 },
    );
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await server.stop();
  });

  it('past maxConnections a new connection is closed at once; the server serves again once they go', async () => {
    const held = await Promise.all(Array.from({ length: 50 }, () => openIdle(server.url)));
    sockets.push(...held);
    const extra = await openIdle(server.url);
    sockets.push(extra);
    await new Promise<void>((resolve) => extra.once('close', () => resolve()));
    for (const socket of held) socket.destroy();
    await expect.poll(async () => (await ok(server, '/greet/hello')).status).toBe(200);
  });
});

describe("the workers' environment", () => {
  let server: TestServer;
  beforeAll(async () => {
    process.env.API_DEPLOY_LIMITS_TEST = 'the server’s own';
    process.env.LIMITS_TEST_OTHER = 'for everyone';
    server = await startServer({ 'apis/greet.ts': HELLO }, LIGHT);
  });
  afterAll(async () => {
    delete process.env.API_DEPLOY_LIMITS_TEST;
    delete process.env.LIMITS_TEST_OTHER;
    await server.stop();
  });

  it("has the process's variables but not the server's own API_DEPLOY_* ones", async () => {
    expectData(await ok(server, '/greet/env'), '/greet/env', { server: null, other: 'for everyone' });
  });
});

describe('restrictWorkers: API functions under Node’s permission model', () => {
  let server: TestServer;
  const PROBE = `import { execSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { apiFunction } from 'api-deploy';
import { z } from 'zod';
const attempt = (what: () => unknown) => { try { what(); return 'allowed'; } catch (error) { return (error as { code?: string }).code ?? 'failed'; } };
export const probe = apiFunction(() => ({
  ownFolder: attempt(() => readFileSync(path.join(__dirname, 'data.json'), 'utf8')),
  config: attempt(() => readFileSync(path.join(__dirname, '..', 'api-deploy.config.json'), 'utf8')),
  write: attempt(() => writeFileSync(path.join(__dirname, 'written.txt'), 'x')),
  exec: attempt(() => execSync('true')),
  zod: z.string().parse('zod works'),
}));
`;
  beforeAll(async () => {
    server = await startServer(
      { 'apis/probe.ts': PROBE, 'apis/data.json': '{"ok": true}' },
      { ...LIGHT, restrictWorkers: true },
    );
  });
  afterAll(() => server.stop());

  it('reads its own folder, not the config with its tokens; writes no file, starts no process', async () => {
    expectData(await ok(server, '/probe/probe'), '/probe/probe', {
      ownFolder: 'allowed',
      config: 'ERR_ACCESS_DENIED',
      write: 'ERR_ACCESS_DENIED',
      exec: 'ERR_ACCESS_DENIED',
      zod: 'zod works',
    });
  });

  it('is a setting: turned off, the same function may read the config again', async () => {
    const saved = await server.request(
      'PUT',
      '/api/config',
      { config: { restrictWorkers: false } },
      ADMIN_AUTH,
    );
    expect(saved.status).toBe(200);
    const answer = await ok(server, '/probe/probe');
    expect(answer.json.data).toMatchObject({ config: 'allowed', write: 'allowed', exec: 'allowed' });
  });
});
