import { lstat, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, BUSINESS, startServer, type TestServer } from '../helpers/server.js';

const module = (value: string) => `import { apiFunction } from 'api-deploy';
export const hello = apiFunction(() => '${value}');
`;
const ADMIN_AUTH = { authorization: `Bearer ${ADMIN}` };
const CANARY = `export const canary = 'outside';\n`;

const exists = (file: string) =>
  lstat(file).then(
    () => true,
    () => false,
  );

describe('POST /api/files/rename', () => {
  let server: TestServer;
  const apis = (relative: string) => path.join(server.dir, 'apis', relative);
  const rename = (body: unknown, headers: Record<string, string> = ADMIN_AUTH) =>
    server.post('/api/files/rename', body, headers);
  const call = (route: string) => server.post(route, { token: BUSINESS });

  beforeAll(async () => {
    server = await startServer(
      {
        'apis/greet.ts': module('greet'),
        'apis/stay.ts': module('stay'),
        'apis/taken.ts': module('taken'),
        'apis/other.ts': module('other'),
        'apis/notes.txt': 'notes',
        'canary.ts': CANARY, // one ".." away from the APIs folder
      },
      { workers: 1, maxWorkers: 2, maxFailedAuthPerMinute: 1000 },
    );
  });
  afterAll(() => server.stop());

  /** The workspace and the APIs folder hold exactly what they held at the start (nothing moved). */
  const assertNothingMoved = async () => {
    // logs/ and .api-deploy/ (the version history of the renames that succeeded) are the runtime's.
    const workspace = (await readdir(server.dir)).filter((name) => name !== 'logs' && name !== '.api-deploy');
    expect(workspace.sort()).toEqual(['api-deploy.config.json', 'apis', 'canary.ts']);
    expect(await readFile(path.join(server.dir, 'canary.ts'), 'utf8')).toBe(CANARY);
    for (const name of ['stay.ts', 'taken.ts', 'other.ts']) {
      expect(await readFile(apis(name), 'utf8'), name).toBe(module(name.slice(0, -3)));
    }
  };

  it('admin only: no token → 401, a business token → 403, nothing moved', async () => {
    expect((await rename({ from: 'stay.ts', to: 'moved.ts' }, {})).status).toBe(401);
    const business = await rename(
      { from: 'stay.ts', to: 'moved.ts' },
      { authorization: `Bearer ${BUSINESS}` },
    );
    expect(business.status).toBe(403);
    expect(business.json.code).toBe('INVALID_ADMIN_TOKEN');
    expect(await exists(apis('moved.ts'))).toBe(false);
    expect((await call('/stay/hello')).json.data).toBe('stay');
  });

  it('moves a module into a new folder: its endpoint moves with it', async () => {
    expect((await call('/greet/hello')).json.data).toBe('greet');
    const answer = await rename({ from: 'greet.ts', to: 'team/welcome.ts' });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ success: true, endpoint: '/api/files/rename' });
    expect(answer.json.data).toEqual({
      from: 'greet.ts',
      to: 'team/welcome.ts',
      reload: expect.objectContaining({ failed: [], generation: expect.any(Number) }),
    });
    expect(await exists(apis('greet.ts'))).toBe(false);
    expect(await readFile(apis('team/welcome.ts'), 'utf8')).toBe(module('greet'));
    expect(await readdir(apis('team'))).toEqual(['welcome.ts']);

    const old = await call('/greet/hello');
    expect(old.status).toBe(404);
    expect(old.json.code).toBe('ENDPOINT_NOT_FOUND');
    const moved = await call('/team/welcome/hello');
    expect(moved.status).toBe(200);
    expect(moved.json.data).toBe('greet');
    expect((await call('/stay/hello')).json.data).toBe('stay');
  });

  it('refuses "..", absolute and backslash paths on either side with 400, moving nothing', async () => {
    const outside = path.join(server.dir, 'canary.ts');
    const escapes = [
      '../canary.ts',
      'sub/../../canary.ts',
      '../apis/../canary.ts',
      outside,
      '/canary.ts',
      '..\\canary.ts',
      'sub\\x.ts',
      '%2e%2e/canary.ts',
      './x.ts',
      'sub//x.ts',
      'node_modules/x.ts',
      'C:/x.ts',
    ];
    for (const bad of escapes) {
      for (const body of [
        { from: bad, to: 'inside.ts' },
        { from: 'stay.ts', to: bad },
      ]) {
        const answer = await rename(body);
        const what = JSON.stringify(body);
        expect(answer.status, what).toBe(400);
        expect(answer.json.code, what).toBe('INVALID_PATH');
      }
    }
    expect(await exists(apis('inside.ts'))).toBe(false);
    expect(await exists(apis('stay.ts'))).toBe(true);
    await assertNothingMoved();
  });

  it('refuses files it may not write (by extension) and folders, with 400', async () => {
    for (const body of [
      { from: 'notes.txt', to: 'notes.ts' },
      { from: 'stay.ts', to: 'stay.sh' },
      { from: 'team', to: 'crew.ts' },
    ]) {
      const answer = await rename(body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.json.code).toBe('INVALID_PATH');
    }
    await mkdir(apis('folder.ts'));
    const folder = await rename({ from: 'folder.ts', to: 'file.ts' });
    expect(folder.status).toBe(400);
    expect(await exists(apis('folder.ts'))).toBe(true);
    expect(await exists(apis('file.ts'))).toBe(false);
  });

  it('an existing target → 409 FILE_EXISTS, both files untouched', async () => {
    const answer = await rename({ from: 'other.ts', to: 'taken.ts' });
    expect(answer.status).toBe(409);
    expect(answer.json).toMatchObject({ success: false, code: 'FILE_EXISTS', endpoint: '/api/files/rename' });
    expect(answer.json.error).toContain('taken.ts');
    expect(await readFile(apis('other.ts'), 'utf8')).toBe(module('other'));
    expect(await readFile(apis('taken.ts'), 'utf8')).toBe(module('taken'));
    const same = await rename({ from: 'other.ts', to: 'other.ts' });
    expect(same.status).toBe(409);
    await assertNothingMoved();
  });

  it('a missing source → 404 FILE_NOT_FOUND; a body without from or to → 422', async () => {
    const answer = await rename({ from: 'nope.ts', to: 'still-nope.ts' });
    expect(answer.status).toBe(404);
    expect(answer.json.code).toBe('FILE_NOT_FOUND');
    expect(answer.json.error).toContain('nope.ts');
    expect(await exists(apis('still-nope.ts'))).toBe(false);
    for (const body of [
      { from: 'stay.ts' },
      { to: 'x.ts' },
      { from: '', to: 'x.ts' },
      { from: 1, to: 'x.ts' },
    ]) {
      const invalid = await rename(body);
      expect(invalid.status, JSON.stringify(body)).toBe(422);
      expect(invalid.json.code).toBe('VALIDATION_ERROR');
    }
    await assertNothingMoved();
  });

  it('a path where a file stands in for a folder → 400', async () => {
    await writeFile(apis('data.json'), '{}');
    const answer = await rename({ from: 'stay.ts', to: 'data.json/stay.ts' });
    expect(answer.status).toBe(400);
    expect(await readFile(apis('data.json'), 'utf8')).toBe('{}');
    expect((await call('/stay/hello')).json.data).toBe('stay');
  });
});
