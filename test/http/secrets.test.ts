// Secrets (issue 15): kept beside the config (0600), set and listed through the admin API
// without ever showing a value, read by code as secret('NAME'), env.NAME and process.env.NAME,
// fed by API_DEPLOY_SECRET_* variables, and never in a log line or an answer the runtime makes.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSse } from '../helpers/sse.js';
import { ADMIN, BUSINESS, startServer, type TestServer } from '../helpers/server.js';

const MODULE = `import { apiFunction, context, env, secret } from 'api-deploy';
export const read = apiFunction((name: string) => ({
  secret: (() => { try { return secret(name); } catch (error) { return (error as Error).message; } })(),
  env: env[name] ?? null,
  process: process.env[name] ?? null,
}));
export const leak = apiFunction((name: string) => {
  context().log.info('the value is ' + secret(name));
  throw new Error('failed with ' + secret(name));
});
`;
const ADMIN_AUTH = { authorization: `Bearer ${ADMIN}` };
const VALUE = 'sk_live_7f3a9c1e5b2d4f6a8c0e';
const NEWER = 'sk_live_0e8c6a4f2d5b1e9c3a7f';

describe('secrets', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(
      { 'apis/s.ts': MODULE },
      { workers: 1, maxWorkers: 2, debug: true, logging: { logToFile: true, logRequestBody: true } },
      { env: { API_DEPLOY_SECRET_FROM_ENV: 'env-value-123456' } },
    );
  });
  afterAll(() => server.stop());

  const read = async (name: string) =>
    (await server.post('/s/read', { token: BUSINESS, body: { name } })).json.data;
  const put = (name: string, value: unknown) =>
    server.request('PUT', `/api/secrets/${name}`, { value }, ADMIN_AUTH);

  it('is set write-only, then read by code in three ways; the file is 0600 and beside the config', async () => {
    const saved = await put('PAYMENT_KEY', VALUE);
    expect(saved.status).toBe(200);
    expect(saved.text).not.toContain(VALUE);
    expect(await read('PAYMENT_KEY')).toEqual({ secret: VALUE, env: VALUE, process: VALUE });
    const file = path.join(server.dir, 'api-deploy.secrets.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8')).secrets.PAYMENT_KEY.value).toBe(VALUE);
  });

  it('lists names, where each comes from and when, never a value', async () => {
    const list = await server.get('/api/secrets', ADMIN_AUTH);
    expect(list.json.data.secrets).toEqual([
      { name: 'FROM_ENV', source: 'env' },
      { name: 'PAYMENT_KEY', source: 'file', created: expect.any(String), updated: expect.any(String) },
    ]);
    expect(list.text).not.toContain(VALUE);
    expect((await server.get('/api/secrets')).status).toBe(401);
    expect((await server.get('/api/secrets', { authorization: `Bearer ${BUSINESS}` })).status).toBe(403);
  });

  it('a replaced value reaches the running workers at once; a deleted one is a clear error', async () => {
    expect((await put('PAYMENT_KEY', NEWER)).status).toBe(200);
    expect(await read('PAYMENT_KEY')).toEqual({ secret: NEWER, env: NEWER, process: NEWER });
    expect((await server.request('DELETE', '/api/secrets/PAYMENT_KEY', undefined, ADMIN_AUTH)).status).toBe(
      200,
    );
    const gone = await read('PAYMENT_KEY');
    expect(gone.secret).toMatch(/No secret named PAYMENT_KEY/);
    expect(gone.env).toBeNull();
    expect(gone.process).toBeNull();
    expect(
      (await server.request('DELETE', '/api/secrets/PAYMENT_KEY', undefined, ADMIN_AUTH)).json.code,
    ).toBe('SECRET_NOT_FOUND');
  });

  it('changes under load drop no request: each call sees one value or the next', async () => {
    await put('ROTATING', 'v0');
    const calls = Array.from({ length: 200 }, () => read('ROTATING'));
    for (let n = 1; n <= 5; n++) await put('ROTATING', `v${n}`);
    const seen = await Promise.all(calls);
    for (const answer of seen) expect(answer.secret).toMatch(/^v[0-5]$/);
    expect((await read('ROTATING')).secret).toBe('v5');
  });

  it('API_DEPLOY_SECRET_* variables feed secrets, which the admin API cannot change', async () => {
    expect(await read('FROM_ENV')).toEqual({
      secret: 'env-value-123456',
      env: 'env-value-123456',
      process: 'env-value-123456',
    });
    expect((await put('FROM_ENV', 'other')).json.code).toBe('SECRET_FROM_ENV');
  });

  it('refuses bad names and values with a clear error', async () => {
    expect((await put('lower-case', 'x')).status).toBe(422);
    expect((await put('GOOD', 42)).status).toBe(422);
    expect((await put('BIG', 'x'.repeat(70_000))).status).toBe(422);
  });

  it('never in a load error quoting the source, wherever the runtime shows one', async () => {
    await put('QUOTED', NEWER);
    const events = await openSse(`${server.url}/api/events`, ADMIN_AUTH);
    await server.write(
      'apis/broken.ts',
      `const key = '${NEWER}';\nthrow new Error('the provider refused ' + key);\n`,
    );
    const reload = await server.post('/api/reload', undefined, ADMIN_AUTH);
    expect(reload.json.data.failed[0].module).toBe('broken');
    const loadError = await events.next((event) => event.event === 'loadError', 5000);
    events.close();
    const answers = [
      reload.text,
      loadError.data,
      (await server.get('/api/status', ADMIN_AUTH)).text,
      (await server.get('/api/endpoints', ADMIN_AUTH)).text,
      (await server.get('/')).text,
      (await server.get('/api/logs?limit=500', ADMIN_AUTH)).text,
    ];
    for (const answer of answers) expect(answer).not.toContain(NEWER);
    expect(reload.text).toContain('[redacted]');
    // the editor still gets the file as it is: it is the user's own text
    const file = await server.get('/api/files/broken.ts', ADMIN_AUTH);
    expect(file.text).toContain(NEWER);
    await server.request('DELETE', '/api/files/broken.ts', undefined, ADMIN_AUTH);
  });

  it('a short value spelling a JSON number or word leaves every line and answer valid JSON', async () => {
    await put('SHORT', '200');
    await put('WORD', 'true');
    const call = await server.post('/s/read', { token: BUSINESS, body: { name: 'NONE' } });
    const requestId = call.headers.get('x-request-id')!;
    const lines = await server.get(`/api/logs?requestId=${requestId}`, ADMIN_AUTH);
    expect(lines.json.data.entries).toEqual([
      expect.objectContaining({ kind: 'request', endpoint: '/s/read', status: 200, requestId }),
    ]);
    for (const route of ['/api/status', '/api/endpoints', '/api/config', '/']) {
      const answer = await server.get(route, ADMIN_AUTH);
      expect(answer.status, route).toBe(200);
      expect(answer.json, route).toBeDefined();
    }
    expect((await server.get('/api/config', ADMIN_AUTH)).json.data.config.debug).toBe(true);
    await server.request('DELETE', '/api/secrets/SHORT', undefined, ADMIN_AUTH);
    await server.request('DELETE', '/api/secrets/WORD', undefined, ADMIN_AUTH);
  });

  it('never in a log line, an error answer or the status page, even revoked', async () => {
    await put('LEAKY', NEWER);
    const failed = await server.post('/s/leak', { token: BUSINESS, body: { name: 'LEAKY' } });
    expect(failed.status).toBe(500);
    expect(failed.text).not.toContain(NEWER);
    expect(failed.json.error).toContain('[redacted]');
    // the value sent as a parameter is scrubbed from the logged body too
    await server.post('/s/read', { token: BUSINESS, body: { name: NEWER } });
    await server.request('DELETE', '/api/secrets/LEAKY', undefined, ADMIN_AUTH);
    await server.post('/s/read', { token: BUSINESS, body: { name: NEWER } });
    const logs = await server.get('/api/logs?limit=500', ADMIN_AUTH);
    expect(logs.text).toContain('the value is [redacted]');
    expect(logs.text).not.toContain(NEWER);
    expect((await server.get('/')).text).not.toContain(NEWER);
    await server.runtime.stop();
    for (const file of await readdir(path.join(server.dir, 'logs'))) {
      expect(await readFile(path.join(server.dir, 'logs', file), 'utf8')).not.toContain(NEWER);
    }
  });
});
