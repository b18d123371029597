import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, BUSINESS, startServer, type TestServer } from '../helpers/server.js';

const HELLO = `import { apiFunction } from 'api-deploy';
export const hello = apiFunction(() => 'v1');
`;

describe('admin endpoints: reload and reload-config, GET and POST', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ 'apis/greet.ts': HELLO });
  });
  afterAll(() => server.stop());

  for (const route of ['/api/reload', '/api/reload-config']) {
    it(`${route}: no token → 401 with the seed's exact text`, async () => {
      for (const answer of [await server.get(route), await server.post(route, {})]) {
        expect(answer.status).toBe(401);
        expect(answer.json).toEqual({
          success: false,
          error: 'Admin token is required for this operation',
          code: 'MISSING_ADMIN_TOKEN',
          endpoint: route,
        });
      }
    });

    it(`${route}: business or unknown token → 403 with the seed's exact text`, async () => {
      const answers = [
        await server.get(`${route}?token=${BUSINESS}`),
        await server.post(route, { token: BUSINESS }),
        await server.post(route, { token: 'not-a-token' }),
        await server.post(route, {}, { authorization: `Bearer ${BUSINESS}` }),
      ];
      for (const answer of answers) {
        expect(answer.status).toBe(403);
        expect(answer.json).toEqual({
          success: false,
          error: 'Invalid admin token or insufficient permissions',
          code: 'INVALID_ADMIN_TOKEN',
          endpoint: route,
        });
      }
    });

    it(`${route}: admin token by query, body or Bearer → 200`, async () => {
      const answers = [
        await server.get(`${route}?token=${ADMIN}`),
        await server.post(route, { token: ADMIN }),
        await server.get(route, { authorization: `Bearer ${ADMIN}` }),
      ];
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        expect(answer.json).toMatchObject({ success: true, endpoint: route });
      }
    });
  }

  it('reload picks up a changed module and says what it loaded', async () => {
    await server.write('apis/greet.ts', HELLO.replace("'v1'", "'v2'"));
    await server.write('apis/broken.ts', 'export const = 1;');
    const answer = await server.post('/api/reload', { token: ADMIN });
    expect(answer.json.data).toMatchObject({ modules: 1, endpoints: 1 });
    expect(answer.json.data.failed).toEqual([
      expect.objectContaining({ module: 'broken', file: 'broken.ts', line: 1 }),
    ]);
    const call = await server.post('/greet/hello', { token: BUSINESS });
    expect(call.json.data).toBe('v2');
  });
});

describe('reload-config', () => {
  let server: TestServer;
  let configPath: string;
  let original: Record<string, unknown>;
  beforeAll(async () => {
    server = await startServer({ 'apis/greet.ts': HELLO });
    configPath = path.join(server.dir, 'api-deploy.config.json');
    original = JSON.parse(await readFile(configPath, 'utf8'));
  });
  afterAll(() => server.stop());

  const saveConfig = (change: Record<string, unknown>) =>
    writeFile(configPath, JSON.stringify({ ...original, ...change }, null, 2));

  it('applies token changes at once', async () => {
    await saveConfig({ validTokens: ['fresh-token'] });
    const answer = await server.get(`/api/reload-config?token=${ADMIN}`);
    expect(answer.json.data.changed).toEqual(['validTokens']);
    expect(answer.json.data.restartRequired).toEqual([]);
    expect((await server.post('/greet/hello', { token: 'fresh-token' })).status).toBe(200);
    expect((await server.post('/greet/hello', { token: BUSINESS })).json.code).toBe('INVALID_TOKEN');
  });

  it('says a restart is needed when host or port change', async () => {
    await saveConfig({ validTokens: ['fresh-token'], port: 9 });
    const answer = await server.post('/api/reload-config', { token: ADMIN });
    expect(answer.json.data.restartRequired).toEqual(['port']);
    expect(answer.json.data.message).toMatch(/restart/i);
    // still serving where it was
    expect((await server.get('/')).status).toBe(200);
  });

  it('keeps the running config when the file is broken, naming the key', async () => {
    await saveConfig({ debug: 'yes' });
    const answer = await server.post('/api/reload-config', { token: ADMIN });
    expect(answer.status).toBe(422);
    expect(answer.json.code).toBe('INVALID_CONFIG');
    expect(answer.json.error).toContain('"debug"');
    expect((await server.post('/greet/hello', { token: 'fresh-token' })).status).toBe(200);
  });
});
