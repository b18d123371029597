import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryVersion } from '../../src/shared/admin-api.js';
import { ADMIN, BUSINESS, startServer, type TestServer } from '../helpers/server.js';

const shop = (answer: string) => `import { apiFunction } from 'api-deploy';
export const price = apiFunction(() => '${answer}');
`;
const BROKEN = `import { apiFunction } from 'api-deploy';
export const price = apiFunction(() => {
`;
const ADMIN_AUTH = { authorization: `Bearer ${ADMIN}` };
const PANEL = { ...ADMIN_AUTH, 'x-api-deploy-source': 'panel' };
const BUSINESS_AUTH = { authorization: `Bearer ${BUSINESS}` };

const q = (file: string) => `path=${encodeURIComponent(file)}`;

async function versionsOf(server: TestServer, file: string): Promise<HistoryVersion[]> {
  const answer = await server.get(`/api/history/versions?${q(file)}`, ADMIN_AUTH);
  expect(answer.status).toBe(200);
  return answer.json.data.versions;
}

async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('version history, with the watcher on', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({}, { hotReload: true, workers: 1, maxWorkers: 2 });
  });
  afterAll(() => server.stop());

  const call = () => server.post('/shop/price', { token: BUSINESS, body: {} });

  it('three saves (panel, API, on disk) are three versions with the right sources', async () => {
    const first = await server.request('PUT', '/api/files/shop.ts', { content: shop('v1') }, PANEL);
    expect(first.status).toBe(200);
    expect(first.json.data.historyId).toMatch(/^\d+$/);
    const second = await server.request('PUT', '/api/files/shop.ts', { content: shop('v2') }, ADMIN_AUTH);
    expect(second.status).toBe(200);
    // The watcher sees both saves too: they are not kept again as changes on disk.
    await sleep(400);
    expect((await versionsOf(server, 'shop.ts')).map((version) => version.source)).toEqual(['api', 'panel']);

    await server.write('apis/shop.ts', shop('v3'));
    const versions = await waitFor(async () => {
      const list = await versionsOf(server, 'shop.ts');
      return list.length === 3 && list[0]!.reload ? list : undefined;
    });
    expect(versions.map((version) => version.source)).toEqual(['disk', 'api', 'panel']);
    expect(versions[2]!.id).toBe(first.json.data.historyId);
    expect(versions[1]!.id).toBe(second.json.data.historyId);
    for (const version of versions) {
      expect(version).toMatchObject({ path: 'shop.ts', size: Buffer.byteLength(shop('v1')) });
      expect(version.reload).toMatchObject({ ok: true });
      expect(Number.isNaN(Date.parse(version.time))).toBe(false);
    }
    expect(versions[1]!.version).toBe(second.json.data.version);
    expect(Number(versions[0]!.id)).toBeGreaterThan(Number(versions[1]!.id));
    await waitFor(async () => ((await call()).json.data === 'v3' ? true : undefined));
    await sleep(300);
    expect(await versionsOf(server, 'shop.ts')).toHaveLength(3);
  });

  it('reads a version with its text, and a failed reload is recorded on its version', async () => {
    const [, , panel] = await versionsOf(server, 'shop.ts');
    const answer = await server.get(`/api/history/versions/${panel!.id}?${q('shop.ts')}`, ADMIN_AUTH);
    expect(answer.status).toBe(200);
    expect(answer.json.data).toMatchObject({ id: panel!.id, source: 'panel', content: shop('v1') });

    const broken = await server.request('PUT', '/api/files/shop.ts', { content: BROKEN }, PANEL);
    expect(broken.status).toBe(200);
    const [newest] = await versionsOf(server, 'shop.ts');
    expect(newest).toMatchObject({ source: 'panel', reload: { ok: false } });
    expect(newest!.reload!.error).toBeTruthy();
  });

  it('restores a version: a new version, the file written back, the endpoint answering as it did', async () => {
    const before = await versionsOf(server, 'shop.ts');
    const v1 = before.at(-1)!;
    const answer = await server.post(
      `/api/history/versions/${v1.id}/restore`,
      { path: 'shop.ts' },
      ADMIN_AUTH,
    );
    expect(answer.status).toBe(200);
    expect(answer.json.data).toMatchObject({ path: 'shop.ts', restored: v1.id, version: v1.version });
    expect(answer.json.data.reload.failed).toEqual([]);
    expect(await readFile(path.join(server.dir, 'apis/shop.ts'), 'utf8')).toBe(shop('v1'));
    expect((await call()).json.data).toBe('v1');

    await sleep(300); // the watcher sees the restore: still one version for it
    const after = await versionsOf(server, 'shop.ts');
    expect(after).toHaveLength(before.length + 1);
    expect(after[0]).toMatchObject({
      id: answer.json.data.historyId,
      source: 'restore',
      restoredFrom: v1.id,
      version: v1.version,
      reload: { ok: true },
    });
    // The diff the panel shows: the restored version is the text of the first.
    const restored = await server.get(`/api/history/versions/${after[0]!.id}?${q('shop.ts')}`, ADMIN_AUTH);
    expect(restored.json.data.content).toBe(shop('v1'));
  });

  it('a restore under load drops no request', async () => {
    const list = await versionsOf(server, 'shop.ts');
    const v1 = list.find((version) => version.source === 'restore')!;
    const v2 = list.find((version) => version.source === 'api')!;
    const answers: { status: number; data: unknown }[] = [];
    let running = true;
    const caller = async () => {
      while (running) {
        const answer = await server.post('/shop/price', { body: {} }, BUSINESS_AUTH);
        answers.push({ status: answer.status, data: answer.json?.data });
      }
    };
    const callers = Array.from({ length: 12 }, caller);
    for (let round = 0; round < 4; round++) {
      const target = round % 2 === 0 ? v2 : v1;
      const restore = await server.post(
        `/api/history/versions/${target.id}/restore`,
        { path: 'shop.ts' },
        ADMIN_AUTH,
      );
      expect(restore.status).toBe(200);
      expect(restore.json.data.reload.failed).toEqual([]);
    }
    running = false;
    await Promise.all(callers);
    expect(answers.length).toBeGreaterThan(50);
    expect(answers.filter((answer) => answer.status !== 200)).toEqual([]);
    expect(new Set(answers.map((answer) => answer.data))).toEqual(new Set(['v1', 'v2']));
  });
});

describe('version history, with the watcher off', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(
      {},
      { workers: 1, maxWorkers: 2, historyMaxVersions: 3, historyMaxBytes: 1024 },
    );
  });
  afterAll(() => server.stop());

  const save = (file: string, content: string) =>
    server.request('PUT', `/api/files/${file}`, { content }, ADMIN_AUTH);

  it('the count bound evicts the oldest versions', async () => {
    const ids: string[] = [];
    for (let n = 1; n <= 5; n++) ids.push((await save('count.ts', shop(`c${n}`))).json.data.historyId);
    const versions = await versionsOf(server, 'count.ts');
    expect(versions.map((version) => version.id)).toEqual(ids.slice(2).reverse());
    const gone = await server.get(`/api/history/versions/${ids[0]}?${q('count.ts')}`, ADMIN_AUTH);
    expect(gone.status).toBe(404);
    expect(gone.json.code).toBe('VERSION_NOT_FOUND');
  });

  it('the byte bound evicts the oldest versions, and the same text is not kept twice', async () => {
    const text = (n: number) => `${shop(`b${n}`)}// ${'x'.repeat(400)}\n`;
    const ids: string[] = [];
    for (let n = 1; n <= 3; n++) ids.push((await save('bytes.ts', text(n))).json.data.historyId);
    const again = await save('bytes.ts', text(3));
    expect(again.json.data.historyId).toBeUndefined();
    const versions = await versionsOf(server, 'bytes.ts');
    expect(versions.map((version) => version.id)).toEqual([ids[2], ids[1]]);
  });

  it('the bounds are settings: a change applies to the next save', async () => {
    const put = await server.request('PUT', '/api/config', { config: { historyMaxVersions: 1 } }, ADMIN_AUTH);
    expect(put.status).toBe(200);
    const kept = await save('count.ts', shop('c6'));
    expect((await versionsOf(server, 'count.ts')).map((version) => version.id)).toEqual([
      kept.json.data.historyId,
    ]);
    await server.request('PUT', '/api/config', { config: { historyMaxVersions: 3 } }, ADMIN_AUTH);
  });

  it('a deleted file keeps its history and is brought back from it', async () => {
    await save('gone.ts', shop('g1'));
    await save('gone.ts', shop('g2'));
    expect((await server.request('DELETE', '/api/files/gone.ts', undefined, ADMIN_AUTH)).status).toBe(200);
    expect((await server.post('/gone/price', { token: BUSINESS, body: {} })).status).toBe(404);

    const files = await server.get('/api/history', ADMIN_AUTH);
    expect(files.status).toBe(200);
    expect(files.json.data.files).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'gone.ts', versions: 2, deleted: true }),
        expect.objectContaining({ path: 'count.ts', deleted: false }),
      ]),
    );
    const [g2, g1] = await versionsOf(server, 'gone.ts');
    expect(g2).toBeDefined();
    const answer = await server.post(
      `/api/history/versions/${g1!.id}/restore`,
      { path: 'gone.ts', baseVersion: null },
      ADMIN_AUTH,
    );
    expect(answer.status).toBe(200);
    expect((await server.post('/gone/price', { token: BUSINESS, body: {} })).json.data).toBe('g1');
    const again = await server.get('/api/history', ADMIN_AUTH);
    expect(again.json.data.files).toContainEqual(
      expect.objectContaining({ path: 'gone.ts', deleted: false }),
    );
  });

  it('a rename starts the history at the new path; the old one shows as deleted', async () => {
    await save('old.ts', shop('o1'));
    const renamed = await server.post('/api/files/rename', { from: 'old.ts', to: 'new.ts' }, PANEL);
    expect(renamed.status).toBe(200);
    expect(await versionsOf(server, 'new.ts')).toEqual([expect.objectContaining({ source: 'panel' })]);
    const files = (await server.get('/api/history', ADMIN_AUTH)).json.data.files;
    expect(files).toContainEqual(expect.objectContaining({ path: 'old.ts', deleted: true }));
  });

  it('a restore over a file changed since is refused with 409 FILE_CHANGED', async () => {
    const [newest] = await versionsOf(server, 'count.ts');
    const answer = await server.post(
      `/api/history/versions/${newest!.id}/restore`,
      { path: 'count.ts', baseVersion: 'not-the-version' },
      ADMIN_AUTH,
    );
    expect(answer.status).toBe(409);
    expect(answer.json.code).toBe('FILE_CHANGED');
  });

  it('bad paths, ids and tokens get a clear 4xx', async () => {
    const cases: [string, string, unknown, Record<string, string>, number, string][] = [
      ['GET', '/api/history/versions', undefined, ADMIN_AUTH, 422, 'VALIDATION_ERROR'],
      ['GET', `/api/history/versions?${q('../x.ts')}`, undefined, ADMIN_AUTH, 400, 'INVALID_PATH'],
      ['GET', `/api/history/versions?${q('/etc/passwd')}`, undefined, ADMIN_AUTH, 400, 'INVALID_PATH'],
      ['GET', `/api/history/versions?${q('a%2e%2e/x.ts')}`, undefined, ADMIN_AUTH, 400, 'INVALID_PATH'],
      ['GET', `/api/history/versions/123?${q('count.ts')}`, undefined, ADMIN_AUTH, 404, 'VERSION_NOT_FOUND'],
      [
        'GET',
        `/api/history/versions/1700000000000?${q('count.ts')}`,
        undefined,
        ADMIN_AUTH,
        404,
        'VERSION_NOT_FOUND',
      ],
      ['GET', `/api/history/versions/%zz?${q('count.ts')}`, undefined, ADMIN_AUTH, 404, 'VERSION_NOT_FOUND'],
      [
        'POST',
        '/api/history/versions/1700000000000/restore',
        { path: 'count.ts' },
        ADMIN_AUTH,
        404,
        'VERSION_NOT_FOUND',
      ],
      [
        'POST',
        '/api/history/versions/1700000000000/restore',
        { path: 'notes.txt' },
        ADMIN_AUTH,
        400,
        'INVALID_PATH',
      ],
      ['POST', '/api/history/versions/1700000000000/restore', {}, ADMIN_AUTH, 422, 'VALIDATION_ERROR'],
      ['GET', '/api/history', undefined, {}, 401, 'MISSING_ADMIN_TOKEN'],
      ['GET', `/api/history/versions?${q('count.ts')}`, undefined, BUSINESS_AUTH, 403, 'INVALID_ADMIN_TOKEN'],
    ];
    for (const [method, route, body, headers, status, code] of cases) {
      const answer = await server.request(method, route, body, headers);
      expect({ route, status: answer.status, code: answer.json?.code }).toEqual({ route, status, code });
    }
    // A path with no history has no versions.
    expect(await versionsOf(server, 'never.ts')).toEqual([]);
  });

  it('the history is kept in .api-deploy/history beside the config file', async () => {
    const { readdir } = await import('node:fs/promises');
    const folders = await readdir(path.join(server.dir, '.api-deploy', 'history'));
    expect(folders.length).toBeGreaterThanOrEqual(4);
    expect(folders.every((folder) => /^[0-9a-f]{32}$/.test(folder))).toBe(true);
  });
});
