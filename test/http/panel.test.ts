import { request } from 'node:http';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startServer, type TestServer } from '../helpers/server.js';

const HELLO = `import { apiFunction } from 'api-deploy';
export const hello = apiFunction(() => 'hi');
`;
const LIGHT = { workers: 1, maxWorkers: 2 };
const INDEX =
  '<!doctype html><title>panel</title><script type="module" src="./assets/app-abc123.js"></script>';
const APP = 'console.log("the panel");\n';
const SECRET = '{"adminTokens":["canary-secret"]}';

/** The policy the panel is served with, directive by directive. */
const PANEL_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "font-src 'self' data:; connect-src 'self'; worker-src 'self'; object-src 'none'; " +
  "base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

const directives = (policy: string | null) =>
  Object.fromEntries(
    (policy ?? '')
      .split(';')
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const [name, ...values] = part.split(/\s+/);
        return [name!, values.join(' ')];
      }),
  );

interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * A GET with the path sent byte for byte and no redirect followed: `fetch` would resolve `..`
 * and `%2e%2e` before the server saw them, and follow the 308.
 */
function raw(server: TestServer, rawPath: string, method = 'GET'): Promise<RawAnswer> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method, path: rawPath }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const headers = new Headers();
        for (const [key, value] of Object.entries(res.headers)) {
          if (typeof value === 'string') headers.set(key, value);
        }
        resolve({ status: res.statusCode ?? 0, headers, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const expectPanelHeaders = (answer: RawAnswer, what: string) => {
  expect(directives(answer.headers.get('content-security-policy')), what).toEqual(directives(PANEL_CSP));
  expect(answer.headers.get('x-content-type-options'), what).toBe('nosniff');
  expect(answer.headers.get('x-frame-options'), what).toBe('DENY');
  expect(answer.headers.get('referrer-policy'), what).toBe('no-referrer');
  expect(answer.headers.get('strict-transport-security'), what).toBeNull();
};

describe('the control panel at /panel', () => {
  let server: TestServer;
  let root: string; // root/web is the panel; root/api-deploy.config.json and root/secret.txt sit beside it
  let panelDir: string;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'api-deploy-panel-'));
    panelDir = path.join(root, 'web');
    await mkdir(path.join(panelDir, 'assets'), { recursive: true });
    await writeFile(path.join(panelDir, 'index.html'), INDEX);
    await writeFile(path.join(panelDir, 'assets', 'app-abc123.js'), APP);
    await writeFile(path.join(panelDir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    await writeFile(path.join(panelDir, '.env'), SECRET);
    await writeFile(path.join(root, 'api-deploy.config.json'), SECRET);
    await writeFile(path.join(root, 'secret.txt'), SECRET);
    server = await startServer({ 'apis/greet.ts': HELLO }, LIGHT, { panelDir });
  });
  afterAll(async () => {
    await server.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('GET /panel → 308 to /panel/, keeping the query string', async () => {
    const bare = await raw(server, '/panel');
    expect(bare.status).toBe(308);
    expect(bare.headers.get('location')).toBe('/panel/');
    expectPanelHeaders(bare, 'redirect');
    const withQuery = await raw(server, '/panel?login=1&next=%2Flogs');
    expect(withQuery.status).toBe(308);
    expect(withQuery.headers.get('location')).toBe('/panel/?login=1&next=%2Flogs');
  });

  it('GET /panel/ → index.html, revalidated (no-cache), with the panel’s CSP and no token needed', async () => {
    const answer = await raw(server, '/panel/');
    expect(answer.status).toBe(200);
    expect(answer.text).toBe(INDEX);
    expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
    expect(answer.headers.get('cache-control')).toBe('no-cache');
    expectPanelHeaders(answer, '/panel/');
    const named = await raw(server, '/panel/index.html');
    expect(named.status).toBe(200);
    expect(named.headers.get('cache-control')).toBe('no-cache');
  });

  it('assets are cached for good (hashed names); other files are revalidated', async () => {
    const asset = await raw(server, '/panel/assets/app-abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.text).toBe(APP);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expectPanelHeaders(asset, 'asset');
    const icon = await raw(server, '/panel/favicon.svg');
    expect(icon.status).toBe(200);
    expect(icon.headers.get('cache-control')).toBe('no-cache');
  });

  it('a missing file → 404 in the envelope, never cached', async () => {
    for (const route of ['/panel/assets/missing-123.js', '/panel/nothing.html', '/panel/assets']) {
      const answer = await raw(server, route);
      expect(answer.status, route).toBe(404);
      expect(JSON.parse(answer.text), route).toMatchObject({ success: false, endpoint: route });
      expect(answer.headers.get('cache-control'), route).toBe('no-store');
    }
  });

  it('the admin API keeps its own CSP and no-store', async () => {
    const answer = await fetch(`${server.url}/api/status`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const policy = directives(answer.headers.get('content-security-policy'));
    expect(policy['frame-ancestors']).toBe("'none'");
    expect(policy['worker-src']).toBeUndefined();
    expect(policy).not.toEqual(directives(PANEL_CSP));
  });

  it('the files beside the panel are reachable by these paths without confinement (sanity)', async () => {
    expect(await readFile(path.resolve(panelDir, '../api-deploy.config.json'), 'utf8')).toBe(SECRET);
    expect(await readFile(path.resolve(panelDir, 'assets', '../../secret.txt'), 'utf8')).toBe(SECRET);
  });

  it('nothing outside the panel folder, and no dotfile, is ever served', async () => {
    const attacks = [
      '/panel/../api-deploy.config.json',
      '/panel/%2e%2e/api-deploy.config.json',
      '/panel/%2E%2E%2Fapi-deploy.config.json',
      '/panel/..%2fapi-deploy.config.json',
      '/panel/%252e%252e/api-deploy.config.json',
      '/panel/%252e%252e%252fapi-deploy.config.json',
      '/panel/..\\api-deploy.config.json',
      '/panel/..%5capi-deploy.config.json',
      '/panel/assets/../../secret.txt',
      '/panel/assets/%2e%2e/%2e%2e/secret.txt',
      `/panel/${encodeURIComponent(path.join(root, 'secret.txt'))}`,
      `/panel/${path.join(root, 'secret.txt')}`,
      '/panel/.env',
      '/panel/%2eenv',
      '/panel/assets/..%2f.env',
      '/panel/index.html%00.js',
    ];
    for (const attack of attacks) {
      const answer = await raw(server, attack);
      expect(answer.status, attack).toBe(404);
      expect(answer.text, attack).not.toContain('canary-secret');
    }
  });
});

describe('the control panel when it is not built', () => {
  let root: string;
  const servers: TestServer[] = [];
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'api-deploy-panel-'));
  });
  afterAll(async () => {
    for (const server of servers) await server.stop();
    await rm(root, { recursive: true, force: true });
  });

  const start = async (panelDir?: string) => {
    const server = await startServer({ 'apis/greet.ts': HELLO }, LIGHT, { panelDir });
    servers.push(server);
    return server;
  };

  const expectNotBuilt = (answer: RawAnswer, what: string) => {
    expect(answer.status, what).toBe(503);
    expect(answer.headers.get('content-type'), what).toMatch(/^text\/html/);
    expect(answer.text, what).toContain('npm run build:panel');
    expect(answer.text, what).toMatch(/not built/);
    expectPanelHeaders(answer, what);
  };

  it('no panelDir, or a folder that is missing: /panel/ → 503 saying how to build it', async () => {
    for (const [what, panelDir] of [
      ['no panelDir', undefined],
      ['missing folder', path.join(root, 'nowhere')],
    ] as const) {
      const server = await start(panelDir);
      expectNotBuilt(await raw(server, '/panel/'), what);
      expect((await raw(server, '/panel')).status, what).toBe(308);
      expect((await raw(server, '/panel/assets/app-abc123.js')).status, what).toBe(404);
    }
  });

  it('a folder without index.html answers 503 until the panel is built, then serves it', async () => {
    const panelDir = path.join(root, 'later');
    await mkdir(panelDir);
    const server = await start(panelDir);
    expectNotBuilt(await raw(server, '/panel/'), 'empty folder');
    await writeFile(path.join(panelDir, 'index.html'), INDEX);
    const built = await raw(server, '/panel/');
    expect(built.status).toBe(200);
    expect(built.text).toBe(INDEX);
  });
});
