import { request } from 'node:http';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, BUSINESS, startServer, type Answer, type TestServer } from '../helpers/server.js';

const HELLO = `import { apiFunction } from 'api-deploy';
export const hello = apiFunction(() => 'v1');
`;
const INVOICE = `import { apiFunction } from 'api-deploy';
import { total } from './_util';
export const sum = apiFunction((a: number, b: number) => total(a, b));
`;
const UTIL = 'export const total = (a: number, b: number) => a + b;\n';
const ADMIN_AUTH = { authorization: `Bearer ${ADMIN}` };
const BUSINESS_AUTH = { authorization: `Bearer ${BUSINESS}` };

interface RawOptions {
  headers?: Record<string, string>;
  body?: unknown;
}

/**
 * A request with the path sent byte for byte: `fetch` (the WHATWG URL) would resolve `..`,
 * `%2e%2e` and turn `\` into `/` before the server saw them.
 */
function raw(server: TestServer, method: string, rawPath: string, options: RawOptions = {}): Promise<Answer> {
  const { hostname, port } = new URL(server.url);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port,
        method,
        path: rawPath,
        headers: {
          'content-type': 'application/json',
          // node frames no body of a DELETE by itself
          ...(payload === undefined ? {} : { 'content-length': String(Buffer.byteLength(payload)) }),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          const headers = new Headers();
          for (const [key, value] of Object.entries(res.headers)) {
            if (typeof value === 'string') headers.set(key, value);
          }
          resolve({ status: res.statusCode ?? 0, headers, json, text });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const admin = (server: TestServer, method: string, route: string, body?: unknown) =>
  raw(server, method, route, { headers: ADMIN_AUTH, body });

const exists = (file: string) =>
  lstat(file).then(
    () => true,
    () => false,
  );

describe('files API: admin only', () => {
  let server: TestServer;
  beforeAll(async () => {
    // Many refused tokens from one address in a minute: keep them under the rate limit.
    server = await startServer({ 'apis/greet.ts': HELLO }, { maxFailedAuthPerMinute: 1000 });
  });
  afterAll(() => server.stop());

  const apis = (relative: string) => path.join(server.dir, 'apis', relative);
  const requests: [string, string, unknown?][] = [
    ['GET', '/api/files'],
    ['GET', '/api/files/greet.ts'],
    ['PUT', '/api/files/greet.ts', { content: 'export const changed = 1;\n' }],
    ['PUT', '/api/files/created.ts', { content: 'export const created = 1;\n' }],
    ['DELETE', '/api/files/greet.ts'],
    ['POST', '/api/files/check', { path: 'greet.ts', content: HELLO }],
  ];

  for (const [method, route, body] of requests) {
    it(`${method} ${route}: no token → 401 MISSING_ADMIN_TOKEN, nothing changes`, async () => {
      const answer = await raw(server, method, route, { body });
      expect(answer.status).toBe(401);
      expect(answer.json).toEqual({
        success: false,
        error: 'Admin token is required for this operation',
        code: 'MISSING_ADMIN_TOKEN',
        endpoint: route,
      });
      expect(await readFile(apis('greet.ts'), 'utf8')).toBe(HELLO);
      expect(await exists(apis('created.ts'))).toBe(false);
    });

    it(`${method} ${route}: business token (Bearer, query or body) → 403 INVALID_ADMIN_TOKEN`, async () => {
      const answers = [
        await raw(server, method, route, { headers: BUSINESS_AUTH, body }),
        await raw(server, method, `${route}?token=${BUSINESS}`, { body }),
      ];
      if (method !== 'GET') {
        answers.push(await raw(server, method, route, { body: { ...(body as object), token: BUSINESS } }));
      }
      for (const answer of answers) {
        expect(answer.status).toBe(403);
        expect(answer.json).toEqual({
          success: false,
          error: 'Invalid admin token or insufficient permissions',
          code: 'INVALID_ADMIN_TOKEN',
          endpoint: route,
        });
      }
      expect(await readFile(apis('greet.ts'), 'utf8')).toBe(HELLO);
      expect(await exists(apis('created.ts'))).toBe(false);
    });
  }

  it('admin token by Bearer, query or body works for every endpoint', async () => {
    expect((await raw(server, 'GET', `/api/files?token=${ADMIN}`)).status).toBe(200);
    expect((await admin(server, 'GET', '/api/files/greet.ts')).json.data.content).toBe(HELLO);
    const check = await raw(server, 'POST', '/api/files/check', {
      body: { token: ADMIN, path: 'greet.ts', content: HELLO },
    });
    expect(check.json).toEqual({
      success: true,
      data: { diagnostics: [] },
      endpoint: '/api/files/check',
    });
    const saved = await raw(server, 'PUT', '/api/files/created.ts', {
      body: { token: ADMIN, content: 'export const created = 1;\n' },
    });
    expect(saved.status).toBe(200);
    expect(saved.json.data).toMatchObject({ path: 'created.ts', saved: true });
    expect(await readFile(apis('created.ts'), 'utf8')).toBe('export const created = 1;\n');
    const deleted = await raw(server, 'DELETE', `/api/files/created.ts?token=${ADMIN}`);
    expect(deleted.status).toBe(200);
    expect(await exists(apis('created.ts'))).toBe(false);
  });
});

describe('files API: tree, read, save, delete', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({
      'apis/template.ts': HELLO,
      'apis/_shared.ts': UTIL,
      'apis/billing/invoice.ts': INVOICE,
      'apis/billing/_util.ts': UTIL,
      'apis/_lib/inner.ts': UTIL,
      'apis/data.json': '{"a":1}',
      'apis/notes.txt': 'notes',
      'apis/node_modules/pkg/index.js': 'module.exports = 1;',
      'apis/.api-deploy-out/x.cjs': '',
    });
  });
  afterAll(() => server.stop());

  const apis = (relative: string) => path.join(server.dir, 'apis', relative);
  const file = (name: string, content: string, module?: string) => ({
    path: name,
    type: 'file',
    size: Buffer.byteLength(content),
    modified: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    ...(module ? { module } : {}),
  });

  it('GET /api/files lists the tree: modules named, helpers without one, no node_modules or build output', async () => {
    const answer = await admin(server, 'GET', '/api/files');
    expect(answer.status).toBe(200);
    expect(answer.json.data).toEqual([
      { path: '_lib', type: 'dir', children: [file('_lib/inner.ts', UTIL)] },
      {
        path: 'billing',
        type: 'dir',
        children: [file('billing/_util.ts', UTIL), file('billing/invoice.ts', INVOICE, 'billing/invoice')],
      },
      file('_shared.ts', UTIL),
      file('data.json', '{"a":1}'),
      file('notes.txt', 'notes'),
      file('template.ts', HELLO, 'template'),
    ]);
    // helpers really carry no module key
    expect(answer.json.data[2]).not.toHaveProperty('module');
  });

  it('GET /api/files/{path} reads a file; missing → 404 FILE_NOT_FOUND; a folder → 400', async () => {
    const answer = await admin(server, 'GET', '/api/files/billing/invoice.ts');
    expect(answer.status).toBe(200);
    expect(answer.json.data).toEqual({
      path: 'billing/invoice.ts',
      content: INVOICE,
      modified: expect.stringMatching(/Z$/),
      version: expect.stringMatching(/^[\w-]{22}$/),
    });
    const missing = await admin(server, 'GET', '/api/files/billing/nope.ts');
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ success: false, code: 'FILE_NOT_FOUND' });
    expect(missing.json.error).toContain('billing/nope.ts');
    const folder = await admin(server, 'GET', '/api/files/billing');
    expect(folder.status).toBe(400);
    expect(folder.json.code).toBe('INVALID_PATH');
    const hidden = await admin(server, 'GET', '/api/files/node_modules/pkg/index.js');
    expect(hidden.status).toBe(400);
  });

  it('PUT creates a module in a new folder, and its endpoint answers right after', async () => {
    const content = `import { apiFunction } from 'api-deploy';
export const triple = apiFunction((n: number) => n * 3);
`;
    const answer = await admin(server, 'PUT', '/api/files/reports/daily.ts', { content });
    expect(answer.status).toBe(200);
    expect(answer.json.data).toMatchObject({ path: 'reports/daily.ts', saved: true });
    expect(answer.json.data.reload).toMatchObject({ failed: [], modules: 3, endpoints: 3 });
    expect(await readFile(apis('reports/daily.ts'), 'utf8')).toBe(content);
    expect(await readdir(apis('reports'))).toEqual(['daily.ts']); // no temporary file left
    const call = await server.post('/reports/daily/triple', { token: BUSINESS, body: { n: 7 } });
    expect(call.status).toBe(200);
    expect(call.json.data).toBe(21);
  });

  it('PUT with the baseVersion it read saves; a file changed or deleted on disk meanwhile is not overwritten (409)', async () => {
    const v1 = `export const note = 'one';\n`;
    await writeFile(apis('_versioned.ts'), v1);
    const read = await admin(server, 'GET', '/api/files/_versioned.ts');
    const v2 = `export const note = 'two';\n`;
    const saved = await admin(server, 'PUT', '/api/files/_versioned.ts', {
      content: v2,
      baseVersion: read.json.data.version,
    });
    expect(saved.status).toBe(200);
    expect(saved.json.data.version).not.toBe(read.json.data.version);
    expect((await admin(server, 'GET', '/api/files/_versioned.ts')).json.data.version).toBe(
      saved.json.data.version,
    );

    // another editor writes the file; a save based on the version before is refused
    const elsewhere = `export const note = 'elsewhere';\n`;
    await writeFile(apis('_versioned.ts'), elsewhere);
    const stale = await admin(server, 'PUT', '/api/files/_versioned.ts', {
      content: `export const note = 'three';\n`,
      baseVersion: saved.json.data.version,
    });
    expect(stale.status).toBe(409);
    expect(stale.json).toMatchObject({ success: false, code: 'FILE_CHANGED' });
    expect(stale.json.error).toBe('"_versioned.ts" changed on disk since it was opened: nothing was saved');
    expect(await readFile(apis('_versioned.ts'), 'utf8')).toBe(elsewhere);

    // deleted meanwhile: not written back
    await rm(apis('_versioned.ts'));
    const gone = await admin(server, 'PUT', '/api/files/_versioned.ts', {
      content: v1,
      baseVersion: saved.json.data.version,
    });
    expect(gone.status).toBe(409);
    expect(gone.json.error).toContain('was deleted since it was opened');
    await expect(readFile(apis('_versioned.ts'))).rejects.toThrow(/ENOENT/);

    // baseVersion null: only a new file
    const created = await admin(server, 'PUT', '/api/files/_versioned.ts', {
      content: v1,
      baseVersion: null,
    });
    expect(created.status).toBe(200);
    const again = await admin(server, 'PUT', '/api/files/_versioned.ts', { content: v2, baseVersion: null });
    expect(again.status).toBe(409);
    expect(again.json.code).toBe('FILE_EXISTS');
    expect(await readFile(apis('_versioned.ts'), 'utf8')).toBe(v1);
  });

  it('PUT of a broken module: saved, the reload names the failure, the last good version still serves', async () => {
    const answer = await admin(server, 'PUT', '/api/files/template.ts', {
      content: "import { apiFunction } from 'api-deploy';\nexport const hello = apiFunction(() => 'v2'\n",
    });
    expect(answer.status).toBe(200);
    expect(answer.json.data.saved).toBe(true);
    expect(answer.json.data.reload.failed).toEqual([
      expect.objectContaining({ module: 'template', file: 'template.ts', line: 3 }),
    ]);
    expect(await readFile(apis('template.ts'), 'utf8')).toContain("'v2'");
    const call = await server.post('/template/hello', { token: BUSINESS });
    expect(call.status).toBe(200);
    expect(call.json.data).toBe('v1');
  });

  it('PUT refuses other file types (400) and a body without a string content (422), writing nothing', async () => {
    for (const name of ['notes.txt', 'script.sh', 'template', 'x.cts']) {
      const answer = await admin(server, 'PUT', `/api/files/${name}`, { content: 'x' });
      expect(answer.status, name).toBe(400);
      expect(answer.json.code).toBe('INVALID_PATH');
    }
    expect(await readFile(apis('notes.txt'), 'utf8')).toBe('notes');
    expect(await exists(apis('script.sh'))).toBe(false);
    for (const body of [{}, { content: 42 }]) {
      const answer = await admin(server, 'PUT', '/api/files/new.ts', body);
      expect(answer.status).toBe(422);
      expect(answer.json.code).toBe('VALIDATION_ERROR');
      expect(answer.json.details).toEqual([expect.objectContaining({ path: 'content' })]);
    }
    expect(await exists(apis('new.ts'))).toBe(false);
    const empty = await raw(server, 'PUT', '/api/files/new.ts', { headers: ADMIN_AUTH });
    expect(empty.status).toBe(422);
    expect(await exists(apis('new.ts'))).toBe(false);
  });

  it('PUT into a path where a file stands in for a folder → 400', async () => {
    const answer = await admin(server, 'PUT', '/api/files/data.json/inner.ts', { content: 'x' });
    expect(answer.status).toBe(400);
    expect(answer.json.code).toBe('INVALID_PATH');
    expect(await readFile(apis('data.json'), 'utf8')).toBe('{"a":1}');
  });

  it('DELETE removes the file and its endpoints, answering the reload; missing → 404', async () => {
    expect(
      (await server.post('/billing/invoice/sum', { token: BUSINESS, body: { a: 1, b: 2 } })).json.data,
    ).toBe(3);
    const answer = await admin(server, 'DELETE', '/api/files/billing/invoice.ts');
    expect(answer.status).toBe(200);
    expect(answer.json.data).toMatchObject({ failed: expect.any(Array), generation: expect.any(Number) });
    expect(answer.json.data.failed).not.toContainEqual(
      expect.objectContaining({ module: 'billing/invoice' }),
    );
    expect(await exists(apis('billing/invoice.ts'))).toBe(false);
    const call = await server.post('/billing/invoice/sum', { token: BUSINESS, body: { a: 1, b: 2 } });
    expect(call.status).toBe(404);
    expect(call.json.code).toBe('ENDPOINT_NOT_FOUND');
    const again = await admin(server, 'DELETE', '/api/files/billing/invoice.ts');
    expect(again.status).toBe(404);
    expect(again.json.code).toBe('FILE_NOT_FOUND');
    const folder = await admin(server, 'DELETE', '/api/files/billing');
    expect(folder.status).toBe(400);
    expect(await exists(apis('billing/_util.ts'))).toBe(true);
  });
});

describe('files API: check without saving', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ 'apis/greet.ts': HELLO, 'apis/_util.ts': UTIL });
  });
  afterAll(() => server.stop());

  const check = (filePath: string, content: string) =>
    admin(server, 'POST', '/api/files/check', { path: filePath, content });

  it('reports compile errors with line and column, and saves nothing', async () => {
    const answer = await check(
      'greet.ts',
      "import { apiFunction } from 'api-deploy';\n\nexport const hello = ;\n",
    );
    expect(answer.status).toBe(200);
    expect(answer.json.data.diagnostics).toEqual([
      {
        severity: 'error',
        line: 3,
        column: 22,
        message: expect.stringContaining('Unexpected'),
        source: 'compile',
        file: 'greet.ts',
      },
    ]);
    expect(await readFile(path.join(server.dir, 'apis/greet.ts'), 'utf8')).toBe(HELLO);
    expect((await server.post('/greet/hello', { token: BUSINESS })).json.data).toBe('v1');
  });

  it('resolves imports from the file’s folder: a missing helper is an error, an existing one is fine', async () => {
    const missing = await check(
      'sub/thing.ts',
      "import { total } from './_util';\nexport const t = total;\n",
    );
    expect(missing.json.data.diagnostics).toEqual([
      expect.objectContaining({ source: 'compile', line: 1, column: 23, file: 'sub/thing.ts' }),
    ]);
    expect(missing.json.data.diagnostics[0].message).toMatch(/Could not resolve/);
    const fine = await check('thing.ts', "import { total } from './_util';\nexport const t = total;\n");
    expect(fine.json.data.diagnostics).toEqual([]);
    expect(await exists(path.join(server.dir, 'apis/sub'))).toBe(false);
    expect(await exists(path.join(server.dir, 'apis/thing.ts'))).toBe(false);
  });

  it('reports parameters that cannot come from JSON (d: Date), with their position', async () => {
    const content = `import { apiFunction } from 'api-deploy';
export const ok = apiFunction((name: string) => name);
export const when = apiFunction((d: Date) => d);
`;
    const answer = await check('dates.ts', content);
    expect(answer.json.data.diagnostics).toEqual([
      {
        severity: 'error',
        line: 3,
        column: expect.any(Number),
        message: expect.stringMatching(/^when: .*Date/),
        source: 'params',
        file: 'dates.ts',
      },
    ]);
    expect(answer.json.data.diagnostics[0].column).toBeGreaterThanOrEqual(33);
    expect(await exists(path.join(server.dir, 'apis/dates.ts'))).toBe(false);
  });

  it('does not flag zod-style endpoints or exported calls that are not endpoints', async () => {
    const content = `import { apiFunction } from 'api-deploy';
import { z } from 'zod';
type Input = z.infer<typeof schema>;
export const schema = z.object({ w: z.number() });
export const area = apiFunction({ params: schema }, (input: Input) => input.w);
export const later = apiFunction({ timeoutMs: 100 }, (d: Date) => d);
`;
    const answer = await check('shapes.ts', content);
    expect(answer.json.data.diagnostics).toEqual([
      expect.objectContaining({ source: 'params', line: 6, message: expect.stringMatching(/^later: /) }),
    ]);
  });

  it('refuses a missing path or content (422) and a non-source file (400)', async () => {
    expect((await admin(server, 'POST', '/api/files/check', { content: 'x' })).status).toBe(422);
    expect((await admin(server, 'POST', '/api/files/check', { path: 'a.ts' })).status).toBe(422);
    const text = await check('readme.txt', 'x');
    expect(text.status).toBe(400);
    expect(text.json.code).toBe('INVALID_PATH');
  });
});

describe('files API: paths are confined to the APIs folder', () => {
  const SECRET = '{"secret":"canary"}';
  let server: TestServer;
  let outside: string; // a folder beside the workspace, in its parent folder
  let canary: string; // outside/canary.json
  let besideApis: string; // workspace/canary.json: one ".." away from the APIs folder

  beforeAll(async () => {
    server = await startServer({ 'apis/greet.ts': HELLO });
    outside = await mkdtemp(path.join(tmpdir(), 'api-deploy-canary-'));
    canary = path.join(outside, 'canary.json');
    besideApis = path.join(server.dir, 'canary.json');
    await writeFile(canary, SECRET);
    await writeFile(besideApis, SECRET);
    const apis = path.join(server.dir, 'apis');
    await symlink(canary, path.join(apis, 'link.json')); // the file itself leads out
    await symlink(outside, path.join(apis, 'outdir')); // a folder on the path leads out
    await symlink(path.join(outside, 'nothing.json'), path.join(apis, 'dangling.json')); // leads out, to nothing yet
    await mkdir(path.join(apis, 'inner'));
    await symlink(path.join(apis, 'greet.ts'), path.join(apis, 'inner', 'alias.ts')); // stays inside
  });
  afterAll(async () => {
    await server.stop();
    await rm(outside, { recursive: true, force: true });
  });

  /** Paths below /api/files/ that must be refused, as sent on the wire. */
  const attacks = (): [string, string][] => {
    const outsideName = path.basename(outside);
    return [
      ['dot-dot', '../canary.json'],
      ['dot-dot twice', `../../${outsideName}/canary.json`],
      ['dot-dot inside', 'inner/../../canary.json'],
      ['encoded dot-dot', '%2e%2e/canary.json'],
      ['encoded dot-dot and slash', '%2E%2E%2Fcanary.json'],
      ['double-encoded dot-dot', '%252e%252e/canary.json'],
      ['double-encoded dot-dot and slash', '%252E%252E%252Fcanary.json'],
      ['backslash', '..\\canary.json'],
      ['encoded backslash', '..%5Ccanary.json'],
      ['absolute', `/${canary.slice(1)}`],
      ['encoded absolute', encodeURIComponent(canary)],
      ['NUL byte', 'greet.ts%00.json'],
      ['malformed encoding', '%zz/canary.json'],
      ['symlinked file leading out', 'link.json'],
      ['symlinked folder leading out', 'outdir/canary.json'],
      ['symlink leading out to nothing', 'dangling.json'],
      ['new file in a symlinked folder leading out', 'outdir/new.json'],
    ];
  };

  const assertUntouched = async () => {
    expect(await readFile(canary, 'utf8')).toBe(SECRET);
    expect(await readFile(besideApis, 'utf8')).toBe(SECRET);
    expect((await readdir(outside)).sort()).toEqual(['canary.json']);
    const workspace = (await readdir(server.dir)).filter((name) => name !== 'logs'); // the server's own logs
    expect(workspace.sort()).toEqual(['api-deploy.config.json', 'apis', 'canary.json']);
  };

  it('the canaries are reachable by these paths without the confinement (sanity)', async () => {
    expect(path.resolve(server.dir, 'apis', '../canary.json')).toBe(besideApis);
    expect(await readFile(path.join(server.dir, 'apis', 'link.json'), 'utf8')).toBe(SECRET);
    expect(await readFile(path.join(server.dir, 'apis', 'outdir', 'canary.json'), 'utf8')).toBe(SECRET);
  });

  for (const method of ['GET', 'PUT', 'DELETE']) {
    it(`${method}: every escape is refused with 400 INVALID_PATH, nothing outside is read or changed`, async () => {
      for (const [name, attack] of attacks()) {
        const route = `/api/files/${attack}`;
        const answer = await admin(
          server,
          method,
          route,
          method === 'PUT' ? { content: 'pwned' } : undefined,
        );
        expect(answer.status, `${name}: ${route}`).toBe(400);
        expect(answer.json, name).toMatchObject({ success: false, code: 'INVALID_PATH' });
        expect(answer.text, name).not.toContain('canary"');
      }
      await assertUntouched();
    });
  }

  it('POST /api/files/check: escapes in the body path are refused with 400', async () => {
    const outsideName = path.basename(outside);
    const paths = [
      '../canary.json',
      `../../${outsideName}/canary.json`,
      '%2e%2e/canary.json',
      '%252e%252e/canary.json',
      '..\\canary.json',
      'a\\b.ts',
      canary,
      'greet.ts\u0000.ts',
      'outdir/canary.json',
      'link.json',
      '',
    ];
    for (const filePath of paths) {
      const answer = await admin(server, 'POST', '/api/files/check', { path: filePath, content: 'x' });
      expect(answer.status, filePath).toBe(filePath === '' ? 422 : 400);
    }
    await assertUntouched();
  });

  it('a malformed path without a token answers 401: the admin check comes first', async () => {
    const answer = await raw(server, 'GET', '/api/files/%zz');
    expect(answer.status).toBe(401);
    expect(answer.json.code).toBe('MISSING_ADMIN_TOKEN');
  });

  it('a symlink that stays inside the folder is fine; the tree lists no link leading out', async () => {
    const read = await admin(server, 'GET', '/api/files/inner/alias.ts');
    expect(read.status).toBe(200);
    expect(read.json.data.content).toBe(HELLO);
    const tree = await admin(server, 'GET', '/api/files');
    const paths = JSON.stringify(tree.json.data);
    expect(paths).not.toContain('link.json');
    expect(paths).not.toContain('outdir');
    expect(paths).not.toContain('dangling.json');
    expect(paths).toContain('inner/alias.ts');
    await assertUntouched();
  });
});
