// GET /healthz and GET /readyz over real HTTP: no token, fixed words, no path; ready once
// serving, 503 with reasons while the worker pool is down, the log file cannot be written, or
// the server is stopping; never in the request log; `healthz` and `readyz` are reserved names.
import { rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readiness } from '../../src/server/http/health.js';
import type { RuntimeContext } from '../../src/server/http/context.js';
import { parseReply } from '../helpers/raw.js';
import { ADMIN, BUSINESS, startServer, type TestServer } from '../helpers/server.js';

const SLOW = `import { apiFunction } from 'api-deploy';
export const wait = apiFunction(async (ms: number) => {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return { waited: ms };
});
`;

const servers: TestServer[] = [];
const start = async (...args: Parameters<typeof startServer>) => {
  const server = await startServer(...args);
  servers.push(server);
  return server;
};
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop();
});

/** The words of an answer leak nothing of the machine: no folder, no module, no file. */
function expectNothingInside(server: TestServer, text: string) {
  expect(text).not.toContain(server.dir);
  expect(text).not.toMatch(/\/tmp|\\|\.ts\b|\.log\b/);
}

describe('health probes', () => {
  it('answer without a token once serving: /healthz ok, /readyz ready, HEAD too', async () => {
    const server = await start({ 'apis/slow.ts': SLOW });
    const health = await server.get('/healthz');
    expect(health.status).toBe(200);
    expect(health.json).toEqual({ status: 'ok' });
    expect(health.headers.get('content-type')).toMatch(/^application\/json/);
    expect(health.headers.get('cache-control')).toBe('no-store');
    expect(health.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    const ready = await server.get('/readyz?verbose');
    expect(ready.status).toBe(200);
    expect(ready.json).toEqual({ status: 'ready' });
    expectNothingInside(server, ready.text);

    const head = await fetch(`${server.url}/readyz`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    // a well-formed incoming request id is kept, as on every other answer
    expect((await server.get('/healthz', { 'x-request-id': 'probe-1' })).headers.get('x-request-id')).toBe(
      'probe-1',
    );
  });

  it('are not request-logged, while other requests are', async () => {
    const server = await start({ 'apis/slow.ts': SLOW });
    for (let i = 0; i < 3; i++) {
      await server.get('/healthz');
      await server.get('/readyz');
    }
    await server.post('/slow/wait', { token: BUSINESS, body: { ms: 1 } });
    const logs = await server.get('/api/logs?type=request', { authorization: `Bearer ${ADMIN}` });
    expect(logs.status).toBe(200);
    const endpoints = (logs.json.data.entries as { endpoint?: string }[]).map((entry) => entry.endpoint);
    expect(endpoints).toContain('/slow/wait');
    expect(endpoints).not.toContain('/healthz');
    expect(endpoints).not.toContain('/readyz');
  });

  it('/readyz is 503 while the worker pool is down; /healthz stays 200', async () => {
    const server = await start({ 'apis/slow.ts': SLOW });
    expect((await server.get('/readyz')).status).toBe(200);
    await server.runtime.generation.pool!.close();
    await expect
      .poll(async () => (await server.get('/readyz')).json)
      .toEqual({ status: 'not ready', reasons: ['no worker is running'] });
    expect((await server.get('/readyz')).status).toBe(503);
    expect((await server.get('/healthz')).status).toBe(200);
    // a reload starts a new pool: ready again
    await server.runtime.reload();
    expect((await server.get('/readyz')).json).toEqual({ status: 'ready' });
  });

  it('/readyz is 503 when the log file cannot be written (its folder removed), without naming it', async () => {
    const server = await start({ 'apis/slow.ts': SLOW }, { logging: { logToFile: true } });
    expect((await server.get('/readyz')).status).toBe(200);
    await rm(path.join(server.dir, 'logs'), { recursive: true, force: true });
    const ready = await server.get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.json).toEqual({ status: 'not ready', reasons: ['the log file is not writable'] });
    expectNothingInside(server, ready.text);
  });

  it('/readyz is 503 while the server stops (asked on a connection still open for a call in flight)', async () => {
    const server = await start({ 'apis/slow.ts': SLOW });
    const { hostname, port } = new URL(server.url);
    const socket = net.connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    const body = JSON.stringify({ token: BUSINESS, body: { ms: 600 } });
    socket.write(
      `POST /slow/wait HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stopping = server.runtime.stop();
    // the second request on the same connection, while the first is still being answered
    socket.write('GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n');
    await stopping;
    socket.end();
    await closed;
    const bytes = Buffer.concat(chunks);
    const first = parseReply(bytes);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body)).toEqual({ success: true, data: { waited: 600 }, endpoint: '/slow/wait' });
    const text = bytes.toString('utf8');
    const second = parseReply(Buffer.from(text.slice(text.indexOf('HTTP/1.1', 1))));
    expect(second.status).toBe(503);
    expect(JSON.parse(second.body)).toEqual({ status: 'not ready', reasons: ['the server is stopping'] });
  });

  it('says "modules are loading" before the first load is done', async () => {
    // The runtime listens only once its first load is done, so this state is never served
    // over HTTP today; the answer for it is checked on its own.
    const context = {
      lifecycle: () => 'starting',
      workersInService: () => 0,
      state: () => ({ config: { logging: { logToFile: false } }, generation: { pool: undefined } }),
    } as unknown as RuntimeContext;
    expect(await readiness(context)).toEqual({ status: 'not ready', reasons: ['modules are loading'] });
  });

  it('healthz and readyz are reserved: no module takes the names, and POST to them is no call', async () => {
    const server = await start({ 'apis/healthz.ts': SLOW, 'apis/readyz/x.ts': SLOW });
    const status = await server.get('/');
    const failed = (status.json.failedModules as { module: string; message: string }[]).map((failure) => [
      failure.module,
      failure.message,
    ]);
    expect(failed).toEqual([
      ['healthz', `the name "healthz" is reserved for the runtime's own routes; rename the file or folder`],
      ['readyz/x', `the name "readyz" is reserved for the runtime's own routes; rename the file or folder`],
    ]);
    const post = await server.post('/healthz', { token: BUSINESS });
    expect(post.status).toBe(404);
    expect(post.json).toMatchObject({ success: false, code: 'ENDPOINT_NOT_FOUND' });
    expect((await server.post('/healthz/wait', { token: BUSINESS, body: { ms: 1 } })).status).toBe(404);
  });
});
