import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenId } from '../../src/server/auth/tokens.js';
import { ADMIN, startServer, type TestServer } from '../helpers/server.js';

/**
 * `sessionAdminTokens`: the desktop app's own admin credential, held in memory by the runtime.
 * It works like a configured admin token, is listed (label, `session: true`), survives
 * reload-config and every rewrite of the config file, is never written to it, cannot be revoked,
 * and never shows in a log line.
 */
const SESSION = 'k9yQ3v7mT1xW4pZ8sR2uN6bH0cJ5eL3aG7dF1iK4oMq';
const SESSION_AUTH = { authorization: `Bearer ${SESSION}` };
const HELLO = `import { apiFunction } from 'api-deploy';
export const hello = apiFunction(() => 'hi');
`;

describe('a session admin token', () => {
  let server: TestServer;
  let configPath: string;
  beforeAll(async () => {
    server = await startServer(
      { 'apis/greet.ts': HELLO },
      {},
      {
        sessionAdminTokens: [{ token: SESSION, label: 'desktop app' }],
      },
    );
    configPath = path.join(server.dir, 'api-deploy.config.json');
  });
  afterAll(() => server.stop());

  it('works as Bearer on admin endpoints, and by query or body like any admin token', async () => {
    for (const route of ['/api/status', '/api/endpoints', '/api/tokens', '/api/reload', '/api/config']) {
      const answer = await server.get(route, SESSION_AUTH);
      expect(answer.status, route).toBe(200);
    }
    expect((await server.post('/api/reload', { token: SESSION })).status).toBe(200);
    expect((await server.get(`/api/reload?token=${SESSION}`)).status).toBe(200);
    // Admin tokens are valid for business endpoints too.
    expect((await server.post('/greet/hello', {}, SESSION_AUTH)).json).toMatchObject({
      success: true,
      data: 'hi',
    });
    // A near miss is refused.
    const wrong = await server.get('/api/status', { authorization: `Bearer ${SESSION.slice(0, -1)}x` });
    expect(wrong.status).toBe(403);
  });

  it('is listed with its label, as a session token, never with its value', async () => {
    const answer = await server.get('/api/tokens', SESSION_AUTH);
    expect(answer.text).not.toContain(SESSION);
    expect(answer.json.data.tokens).toContainEqual({
      id: tokenId(SESSION),
      role: 'admin',
      label: 'desktop app',
      masked: expect.any(String),
      lastUsed: expect.any(String),
      session: true,
    });
    const configured = answer.json.data.tokens.find(
      (token: { label: string }) => token.label === 'test admin',
    );
    expect(configured).not.toHaveProperty('session');
  });

  it('cannot be revoked: 409 SESSION_TOKEN, and it still works', async () => {
    const response = await fetch(`${server.url}/api/tokens/${tokenId(SESSION)}`, {
      method: 'DELETE',
      headers: SESSION_AUTH,
    });
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ success: false, code: 'SESSION_TOKEN' });
    expect((await server.get('/api/status', SESSION_AUTH)).status).toBe(200);
  });

  it('survives reload-config, also when the config file changed', async () => {
    const config = JSON.parse(await readFile(configPath, 'utf8')) as Record<string, unknown>;
    await writeFile(configPath, JSON.stringify({ ...config, debug: false }, null, 2));
    const reloaded = await server.post('/api/reload-config', {}, SESSION_AUTH);
    expect(reloaded.status).toBe(200);
    expect(reloaded.json.data.changed).toContain('debug');
    expect((await server.get('/api/status', SESSION_AUTH)).status).toBe(200);
    expect((await server.get('/api/status', { authorization: `Bearer ${ADMIN}` })).status).toBe(200);
  });

  it('is not written to the config file when the admin API rewrites it', async () => {
    const created = await server.post('/api/tokens', { label: 'ci', role: 'admin' }, SESSION_AUTH);
    expect(created.status).toBe(200);
    const saved = await server.request('PUT', '/api/config', { config: { debug: true } }, SESSION_AUTH);
    expect(saved.status, saved.text).toBe(200);
    const text = await readFile(configPath, 'utf8');
    expect(text).not.toContain(SESSION);
    expect(text).not.toContain('desktop app');
    expect(JSON.parse(text).adminTokens).toHaveLength(2); // the test's and the one just created
    expect((await server.get('/api/status', SESSION_AUTH)).status).toBe(200);
  });

  it('never shows in the logs', async () => {
    await server.get(`/api/status?token=${SESSION}`);
    await server.post('/greet/hello', { token: SESSION });
    const logs = await server.get('/api/logs?limit=1000', SESSION_AUTH);
    expect(logs.status).toBe(200);
    expect(logs.text).toContain('/greet/hello');
    expect(logs.text).not.toContain(SESSION);
    await server.runtime.stop(); // flushes the log file
    const folder = path.join(server.dir, 'logs');
    const files = await readdir(folder);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(await readFile(path.join(folder, file), 'utf8')).not.toContain(SESSION);
  });
});
