import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editableConfigSchema, editableLoggingSchema } from '../../src/shared/config-api.js';
import { loadConfig, resolveConfigSource, validateConfig } from '../../src/server/config/load.js';
import { configSchema, loggingSchema } from '../../src/server/config/schema.js';
import { createRuntime, type Runtime } from '../../src/server/index.js';
import { ADMIN, BUSINESS, makeWorkspace, startServer, type TestServer } from '../helpers/server.js';

const HELLO = `import { apiFunction } from 'api-deploy';
export const hello = apiFunction((name: string = 'World') => 'Hello, ' + name);
`;
const FAIL = `import { apiFunction } from 'api-deploy';
export const boom = apiFunction(() => { throw new Error('the secret reason'); });
`;
const ADMIN_AUTH = { authorization: `Bearer ${ADMIN}` };
const BUSINESS_AUTH = { authorization: `Bearer ${BUSINESS}` };
const SECOND_BUSINESS = 'second-business-token';

/** The config file as a person wrote it: their own key order, a $schema, token labels. */
const HANDWRITTEN = {
  $schema: 'https://example.test/api-deploy.schema.json',
  adminTokens: [{ token: ADMIN, label: 'test admin', created: '2026-01-01T00:00:00.000Z' }],
  logging: { logToFile: false, logMaxBodySize: 500 },
  validTokens: [BUSINESS, { token: SECOND_BUSINESS, label: 'second' }],
  workers: 1,
  maxWorkers: 2,
  hotReload: false,
  port: 0,
  host: '127.0.0.1',
};

// Tokens are managed by /api/tokens; `redis` is read once at start and its URL may hold a password;
// `cluster` is read once, by the primary, at start.
const EDITABLE_KEYS = Object.keys(configSchema.shape).filter(
  (key) => !['$schema', 'validTokens', 'adminTokens', 'redis', 'cluster'].includes(key),
);

describe('settings API: GET and PUT /api/config', () => {
  let server: TestServer;
  let configPath: string;
  const fileText = () => readFile(configPath, 'utf8');
  const fileJson = async () => JSON.parse(await fileText());
  const put = (config: unknown, headers: Record<string, string> = ADMIN_AUTH) =>
    server.request('PUT', '/api/config', { config }, headers);

  beforeAll(async () => {
    server = await startServer(
      { 'apis/greet.ts': HELLO, 'apis/fail.ts': FAIL },
      { workers: 1, maxWorkers: 2, logging: { logToFile: false, logMaxBodySize: 500 } },
    );
    configPath = path.join(server.dir, 'api-deploy.config.json');
    // Same values as the server started with, in a hand-written order.
    await writeFile(configPath, `${JSON.stringify(HANDWRITTEN, null, 2)}\n`);
    const reload = await server.post('/api/reload-config', {}, ADMIN_AUTH);
    expect(reload.json.data.changed.sort()).toEqual(['$schema', 'adminTokens', 'validTokens']);
  });
  afterAll(() => server.stop());

  it('the settings API knows every config key but the tokens (drift guard)', () => {
    expect(Object.keys(editableConfigSchema.shape).sort()).toEqual([...EDITABLE_KEYS].sort());
    expect(Object.keys(editableLoggingSchema.shape).sort()).toEqual(Object.keys(loggingSchema.shape).sort());
  });

  it('GET answers the config in effect, paths as the file holds them, and never a token', async () => {
    const answer = await server.get('/api/config', ADMIN_AUTH);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ success: true, endpoint: '/api/config' });
    const data = answer.json.data;
    expect(Object.keys(data).sort()).toEqual([
      'config',
      'overridden',
      'path',
      'pendingRestart',
      'restartRequired',
    ]);
    expect(data.path).toBe(configPath);
    expect(data.restartRequired).toEqual(['host', 'port', 'metricsPort']);
    expect(data.pendingRestart).toEqual([]);
    expect(data.overridden).toEqual([]);
    expect(Object.keys(data.config).sort()).toEqual([...EDITABLE_KEYS].sort());
    expect(data.config).toMatchObject({
      host: '127.0.0.1',
      port: 0,
      hotReload: false,
      debug: true,
      apisDir: 'apis',
      workers: 1,
      maxWorkers: 2,
      functionTimeoutMs: 30_000,
      corsOrigins: [],
    });
    expect(data.config.logging).toEqual({
      enableRequestLogging: true,
      logToFile: false,
      logRequestBody: true,
      logResponseData: false,
      logMaxBodySize: 500,
      logFilePath: 'logs/api_{date}.log',
      logRotation: '1 day',
      logRetention: '30 days',
      bufferSize: 5000,
    });
    for (const secret of [ADMIN, BUSINESS, SECOND_BUSINESS, 'validTokens', 'adminTokens']) {
      expect(answer.text).not.toContain(secret);
    }
  });

  it('admin only: no token → 401, a business token → 403, and nothing is written', async () => {
    const before = await fileText();
    expect((await server.get('/api/config')).status).toBe(401);
    const refused = [
      await server.get('/api/config', BUSINESS_AUTH),
      await server.get(`/api/config?token=${BUSINESS}`),
      await put({ debug: false }, BUSINESS_AUTH),
      await server.request('PUT', '/api/config', { token: BUSINESS, config: { debug: false } }),
    ];
    for (const answer of refused) {
      expect(answer.status).toBe(403);
      expect(answer.json.code).toBe('INVALID_ADMIN_TOKEN');
    }
    expect((await put({ debug: false }, {})).status).toBe(401);
    expect(await fileText()).toBe(before);
  });

  it('PUT debug: applied at once, written to the file with every other key kept in its place', async () => {
    const failing = await server.post('/fail/boom', { token: BUSINESS });
    expect(failing.json.error).toContain('the secret reason'); // debug on: the message is sent

    const answer = await put({ debug: false });
    expect(answer.status).toBe(200);
    expect(answer.json.data.config.debug).toBe(false);
    expect(answer.json.data.restartRequired).toEqual([]);
    expect(answer.json.data.reload).toMatchObject({ changed: ['debug'], restartRequired: [] });
    expect(answer.text).not.toContain(ADMIN);

    const status = await server.get('/api/status', ADMIN_AUTH);
    expect(status.json.data.debug).toBe(false);
    const hidden = await server.post('/fail/boom', { token: BUSINESS });
    expect(hidden.status).toBe(500);
    expect(hidden.json.error).not.toContain('the secret reason');

    const file = await fileJson();
    expect(Object.keys(file)).toEqual([...Object.keys(HANDWRITTEN), 'debug']);
    expect(file).toEqual({ ...HANDWRITTEN, debug: false });

    // the admin action is audited, by label
    const audit = await server.get('/api/logs?type=auth&q=PUT%20%2Fapi%2Fconfig', ADMIN_AUTH);
    expect(audit.json.data.entries).toContainEqual(
      expect.objectContaining({ event: 'admin-action', action: 'PUT /api/config', tokenLabel: 'test admin' }),
    );
  });

  it('PUT logging.logRequestBody: the logging section is merged key by key, and request bodies stop being logged', async () => {
    await server.post('/greet/hello', { token: BUSINESS, body: { name: 'before-marker' } });
    const answer = await put({ logging: { logRequestBody: false } });
    expect(answer.status).toBe(200);
    expect(answer.json.data.config.logging).toMatchObject({ logRequestBody: false, logMaxBodySize: 500 });
    expect(answer.json.data.reload.changed).toEqual(['logging']);
    await server.post('/greet/hello', { token: BUSINESS, body: { name: 'after-marker' } });

    const logs = await server.get('/api/logs?type=request&endpoint=/greet/hello', ADMIN_AUTH);
    const bodies = logs.json.data.entries.map((entry: { body?: string }) => entry.body ?? null);
    expect(bodies).toHaveLength(2);
    expect(bodies[0]).toContain('before-marker');
    expect(bodies[1]).toBeNull();

    const file = await fileJson();
    expect(file.logging).toEqual({ logToFile: false, logMaxBodySize: 500, logRequestBody: false });
    expect(Object.keys(file)).toEqual([...Object.keys(HANDWRITTEN), 'debug']);
    expect(file.validTokens).toEqual(HANDWRITTEN.validTokens);
    expect(file.adminTokens).toEqual(HANDWRITTEN.adminTokens);
  });

  it('PUT port (or host): written, reported as needing a restart; the server keeps serving where it is', async () => {
    const answer = await put({ port: 8123 });
    expect(answer.status).toBe(200);
    expect(answer.json.data.restartRequired).toEqual(['port']);
    expect(answer.json.data.reload.restartRequired).toEqual(['port']);
    expect(answer.json.data.reload.message).toMatch(/restart/i);
    expect(answer.json.data.config.port).toBe(8123);
    expect((await fileJson()).port).toBe(8123);
    expect((await server.get('/api/status', ADMIN_AUTH)).status).toBe(200);
    // the restart is still to be made after other saves, and GET says so too
    expect(answer.json.data.pendingRestart).toEqual(['port']);
    const other = await put({ functionTimeoutMs: 20_000 });
    expect(other.json.data).toMatchObject({ restartRequired: [], pendingRestart: ['port'] });
    expect((await server.get('/api/config', ADMIN_AUTH)).json.data.pendingRestart).toEqual(['port']);

    // a public host with an admin token of one's own is fine (after a restart)
    const host = await put({ host: '0.0.0.0', port: 0 });
    expect(host.status).toBe(200);
    expect(host.json.data.restartRequired).toEqual(['host', 'port']);
    expect(host.json.data.pendingRestart).toEqual(['host']);
    const back = await put({ host: '127.0.0.1' });
    expect(back.json.data.restartRequired).toEqual(['host']);
    // back to what the server runs with: nothing waits for a restart any more
    expect(back.json.data.pendingRestart).toEqual([]);
    expect(await fileJson()).toMatchObject({ host: '127.0.0.1', port: 0 });
  });

  it('a bad value → 422 naming the key; the file is unchanged byte for byte, the running config kept', async () => {
    const before = await fileText();
    const cases: [unknown, string, string][] = [
      [{ debug: 'yes' }, 'VALIDATION_ERROR', 'config.debug'],
      [{ corsOrigins: 'http://a.test' }, 'VALIDATION_ERROR', 'config.corsOrigins'],
      [{ logging: { logMaxBodySize: 1.5 } }, 'VALIDATION_ERROR', 'config.logging.logMaxBodySize'],
      [{ port: 70000 }, 'INVALID_CONFIG', 'port'],
      [{ host: '' }, 'INVALID_CONFIG', 'host'],
      [{ workers: 0 }, 'INVALID_CONFIG', 'workers'],
      [{ logging: { logRotation: 'now and then' } }, 'INVALID_CONFIG', 'logging.logRotation'],
      [{ debug: false, functionTimeoutMs: -1 }, 'INVALID_CONFIG', 'functionTimeoutMs'],
    ];
    for (const [config, code, key] of cases) {
      const answer = await put(config);
      const what = JSON.stringify(config);
      expect(answer.status, what).toBe(422);
      expect(answer.json.code, what).toBe(code);
      expect(answer.json.details, what).toContainEqual(expect.objectContaining({ path: key }));
      expect(await fileText(), what).toBe(before);
    }
    const config = await server.get('/api/config', ADMIN_AUTH);
    expect(config.json.data.config).toMatchObject({ debug: false, port: 0, workers: 1 });
    expect(config.json.data.config.logging.logRotation).toBe('1 day');
  });

  it('token lists, unknown keys and a body without config are refused with 422 VALIDATION_ERROR', async () => {
    const before = await fileText();
    const cases: [unknown, string][] = [
      [{ config: { validTokens: ['sneaky-token'] } }, 'config.validTokens'],
      [{ config: { adminTokens: ['sneaky-token'] } }, 'config.adminTokens'],
      [{ config: { hotreload: true } }, 'config.hotreload'],
      [{ config: { $schema: 'x' } }, 'config.$schema'],
      [{ config: { logging: { rotate: true } } }, 'config.logging.rotate'],
      [{ debug: false }, 'config'],
      [{ config: { debug: false }, extra: 1 }, 'extra'],
      [{}, 'config'],
    ];
    for (const [body, key] of cases) {
      const answer = await server.request('PUT', '/api/config', body, ADMIN_AUTH);
      const what = JSON.stringify(body);
      expect(answer.status, what).toBe(422);
      expect(answer.json.code, what).toBe('VALIDATION_ERROR');
      expect(answer.json.details, what).toContainEqual(expect.objectContaining({ path: key }));
    }
    const tokens = await put({ validTokens: ['sneaky-token'] });
    expect(tokens.json.details[0].message).toMatch(/\/api\/tokens/);
    expect(await fileText()).toBe(before);
    expect((await server.post('/greet/hello', { token: 'sneaky-token' })).json.code).toBe('INVALID_TOKEN');
  });
});

describe('settings API: the documented admin token stays on this machine', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(
      { 'apis/greet.ts': HELLO },
      { workers: 1, maxWorkers: 2, adminTokens: ['your-admin-token'] },
    );
  });
  afterAll(() => server.stop());

  it('PUT host 0.0.0.0 → 422 INVALID_CONFIG naming the token, nothing written, still serving', async () => {
    const configPath = path.join(server.dir, 'api-deploy.config.json');
    const before = await readFile(configPath, 'utf8');
    const auth = { authorization: 'Bearer your-admin-token' };
    for (const host of ['0.0.0.0', '::', '192.168.1.10']) {
      const answer = await server.request('PUT', '/api/config', { config: { host } }, auth);
      expect(answer.status, host).toBe(422);
      expect(answer.json.code, host).toBe('INVALID_CONFIG');
      expect(answer.json.error, host).toContain('your-admin-token');
      expect(answer.json.details, host).toEqual([expect.objectContaining({ path: 'host' })]);
      expect(await readFile(configPath, 'utf8'), host).toBe(before);
    }
    const config = await server.get('/api/config', auth);
    expect(config.json.data.config.host).toBe('127.0.0.1');
    // another loopback name is fine
    const local = await server.request('PUT', '/api/config', { config: { host: 'localhost' } }, auth);
    expect(local.status).toBe(200);
    expect(local.json.data.restartRequired).toEqual(['host']);
  });
});

describe('settings API with a flag or variable over the file', () => {
  let runtime: Runtime;
  let url: string;
  let dir: string;
  beforeAll(async () => {
    dir = await makeWorkspace({ 'apis/greet.ts': HELLO }, { hotReload: false, workers: 1, maxWorkers: 2 });
    const source = resolveConfigSource(
      { config: path.join(dir, 'api-deploy.config.json') },
      { API_DEPLOY_PORT: '0' },
    );
    runtime = createRuntime({ config: loadConfig(source), source });
    url = await runtime.start();
  });
  afterAll(async () => {
    await runtime.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("names the keys held by flags; a saved port is written, and the variable's stays in effect", async () => {
    const request = (method: string, body?: unknown) =>
      fetch(`${url}/api/config`, {
        method,
        headers: { ...ADMIN_AUTH, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }).then((answer) => answer.json() as Promise<{ data: Record<string, unknown> }>);
    expect((await request('GET')).data).toMatchObject({ overridden: ['port'], pendingRestart: [] });
    const saved = await request('PUT', { config: { port: 8124 } });
    expect(saved.data).toMatchObject({ overridden: ['port'], pendingRestart: [], config: { port: 0 } });
    const file = JSON.parse(await readFile(path.join(dir, 'api-deploy.config.json'), 'utf8'));
    expect(file.port).toBe(8124);
  });
});

describe('settings API without a config file', () => {
  let runtime: Runtime;
  let url: string;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'api-deploy-noconfig-'));
    await mkdir(path.join(dir, 'apis'));
    await writeFile(path.join(dir, 'apis', 'greet.ts'), HELLO);
    const config = validateConfig({
      port: 0,
      validTokens: [BUSINESS],
      adminTokens: [ADMIN],
      hotReload: false,
      workers: 1,
      maxWorkers: 2,
      apisDir: path.join(dir, 'apis'),
      logging: { logToFile: false },
    });
    runtime = createRuntime({ config });
    url = await runtime.start();
  });
  afterAll(async () => {
    await runtime.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('GET answers path null; PUT → 409 NO_CONFIG_FILE', async () => {
    const get = await fetch(`${url}/api/config`, { headers: ADMIN_AUTH });
    const got = (await get.json()) as { data: { path: string | null; config: { apisDir: string } } };
    expect(got.data.path).toBeNull();
    expect(got.data.config.apisDir).toBe(path.join(dir, 'apis'));
    const put = await fetch(`${url}/api/config`, {
      method: 'PUT',
      headers: { ...ADMIN_AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ config: { debug: false } }),
    });
    expect(put.status).toBe(409);
    expect(await put.json()).toMatchObject({ success: false, code: 'NO_CONFIG_FILE' });
    expect(runtime.config.debug).toBe(true);
  });
});
