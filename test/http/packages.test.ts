// npm packages per workspace (issue 16): installed by npm from a packed tarball (no network),
// used by a module at once, removed with a load error naming the package; names checked
// before anything runs; a failed install leaves the packages as they were; one job at a time.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PackageJob } from '../../src/shared/admin-api.js';
import { packFixture } from '../helpers/npm-fixture.js';
import { openSse } from '../helpers/sse.js';
import { ADMIN, BUSINESS, startServer, type TestServer } from '../helpers/server.js';

const ADMIN_AUTH = { authorization: `Bearer ${ADMIN}` };
const PACKAGE = 'api-deploy-fixture-shout';
const SCOPED = '@api-deploy-fixture/pad';

const USES_IT = `import { apiFunction } from 'api-deploy';
import { shout } from '${PACKAGE}';
export const loud = apiFunction((text: string) => shout(text));
`;

describe('workspace packages', () => {
  let server: TestServer;
  let fixtures: string;
  let shout1: string;
  let shout2: string;
  let pad: string;

  beforeAll(async () => {
    fixtures = await mkdtemp(path.join(tmpdir(), 'api-deploy-packages-'));
    shout1 = await packFixture(fixtures, PACKAGE, '1.0.0', 'exports.shout = (s) => s.toUpperCase() + "!";');
    shout2 = await packFixture(fixtures, PACKAGE, '2.0.0', 'exports.shout = (s) => s.toUpperCase() + "!!";');
    pad = await packFixture(fixtures, SCOPED, '1.0.0', 'exports.pad = (s) => `[${s}]`;');
    server = await startServer({ 'apis/uses.ts': USES_IT }, { workers: 1, maxWorkers: 2, debug: true });
  }, 60_000);
  afterAll(async () => {
    await server.stop();
    await rm(fixtures, { recursive: true, force: true });
  });

  const list = async () => (await server.get('/api/packages', ADMIN_AUTH)).json.data;
  const loud = (text: string) => server.post('/uses/loud', { token: BUSINESS, body: { text } });
  const install = async (name: string, version?: string) => {
    const answer = await server.post('/api/packages', { name, version }, ADMIN_AUTH);
    expect(answer.status, answer.text).toBe(200);
    return answer.json.data.job as PackageJob;
  };
  /** The job once it has ended, as its live stream tells. */
  const ended = async (job: PackageJob): Promise<{ job: PackageJob; lines: string[] }> => {
    const stream = await openSse(`${server.url}/api/packages/jobs/${job.id}/stream`, ADMIN_AUTH);
    const last = await stream.next(
      (event) => event.event === 'state' && /"state":"(succeeded|failed)"/.test(event.data),
      120_000,
    );
    const lines = stream.events.filter((event) => event.event === 'output').map((event) => event.data);
    stream.close();
    return { job: JSON.parse(last.data) as PackageJob, lines };
  };

  it('a module importing a package the workspace lacks fails with a load error naming it', async () => {
    const { failedModules } = (await server.get('/api/status', ADMIN_AUTH)).json.data;
    expect(failedModules).toEqual([
      expect.objectContaining({
        module: 'uses',
        missingPackage: PACKAGE,
        message: expect.stringContaining(PACKAGE),
      }),
    ]);
    expect(await list()).toMatchObject({ packages: [], missing: [PACKAGE], npmAvailable: true });
  });

  /** The editor's check of unsaved text (POST /api/files/check). */
  const check = async (content: string) =>
    (await server.post('/api/files/check', { path: 'draft.ts', content }, ADMIN_AUTH)).json.data.diagnostics;

  it("the editor's check flags a static import of a package the workspace lacks, at its line", async () => {
    expect(await check(`// a draft\n${USES_IT}`)).toEqual([
      expect.objectContaining({
        line: 3,
        missingPackage: PACKAGE,
        message: expect.stringContaining(PACKAGE),
      }),
    ]);
    // an optional require, a built-in and the runtime's own packages are not flagged
    const fine = `import { apiFunction } from 'api-deploy';
import { z } from 'zod';
import { readFile } from 'node:fs/promises';
import os from 'os';
export const f = apiFunction(() => { try { return require('maybe-there'); } catch { return os.EOL + z + readFile; } });
`;
    expect(await check(fine)).toEqual([]);
  });

  it('refuses an invalid name or version with 400, and runs nothing', async () => {
    for (const body of [
      { name: '../etc' },
      { name: '--global' },
      { name: 'has space' },
      { name: PACKAGE, version: 'git+ssh://example.com/x.git' },
      { name: PACKAGE, version: 'file:relative.tgz' },
      { name: PACKAGE, version: '; rm -rf /' },
    ]) {
      const answer = await server.post('/api/packages', body, ADMIN_AUTH);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.json.code).toBe('INVALID_PACKAGE');
    }
    expect((await list()).jobs).toEqual([]);
    expect(
      (await server.post('/api/packages', { name: PACKAGE }, { authorization: `Bearer ${BUSINESS}` })).status,
    ).toBe(403);
  });

  it('installs from a tarball with npm, streams its output, and the module answers at once', async () => {
    const { job, lines } = await ended(await install(PACKAGE, `file:${shout1}`));
    expect(job.state, job.error).toBe('succeeded');
    expect(lines.length).toBeGreaterThan(0);
    expect(job.reload).toMatchObject({ failed: 0 });
    expect((await loud('hi')).json.data).toBe('HI!');
    expect(await check(USES_IT)).toEqual([]);
    expect(await list()).toMatchObject({
      packages: [{ name: PACKAGE, wanted: `file:${shout1}`, installed: '1.0.0' }],
      missing: [],
    });
    // its own package.json, beside apis/, not this repository's
    const manifest = JSON.parse(
      await readFile(path.join(server.dir, '.api-deploy/packages/package.json'), 'utf8'),
    );
    expect(manifest.dependencies[PACKAGE]).toMatch(/^file:.*api-deploy-fixture-shout-1.0.0.tgz$/);
  }, 120_000);

  it('a failed install says why in plain words and leaves the packages working', async () => {
    const { job } = await ended(await install(PACKAGE, `file:${path.join(fixtures, 'missing-9.9.9.tgz')}`));
    expect(job.state).toBe('failed');
    expect(job.error).toMatch(/does the tarball exist|npm failed/);
    expect((await loud('still')).json.data).toBe('STILL!');
    expect((await list()).packages).toEqual([
      { name: PACKAGE, wanted: `file:${shout1}`, installed: '1.0.0' },
    ]);
  }, 120_000);

  it('runs two installs one after the other, both landing', async () => {
    const first = await install(PACKAGE, `file:${shout2}`);
    const second = await install(SCOPED, `file:${pad}`);
    expect(second.state).toBe('queued');
    const [one, two] = await Promise.all([ended(first), ended(second)]);
    expect(one.job.state, one.job.error).toBe('succeeded');
    expect(two.job.state, two.job.error).toBe('succeeded');
    expect(Date.parse(two.job.startedAt!)).toBeGreaterThanOrEqual(Date.parse(one.job.endedAt!));
    expect((await loud('two')).json.data).toBe('TWO!!');
    expect((await list()).packages).toEqual([
      { name: SCOPED, wanted: `file:${pad}`, installed: '1.0.0' },
      { name: PACKAGE, wanted: `file:${shout2}`, installed: '2.0.0' },
    ]);
  }, 120_000);

  it('removes a package (a scoped one by its path too): the module using it fails, naming it', async () => {
    const scoped = await server.request('DELETE', `/api/packages/${SCOPED}`, undefined, ADMIN_AUTH);
    expect(scoped.status, scoped.text).toBe(200);
    expect((await ended(scoped.json.data.job as PackageJob)).job.state).toBe('succeeded');

    const removal = await server.request('DELETE', `/api/packages/${PACKAGE}`, undefined, ADMIN_AUTH);
    const { job } = await ended(removal.json.data.job as PackageJob);
    expect(job.state, job.error).toBe('succeeded');
    expect(job.reload).toMatchObject({ failed: 1 });
    const call = await loud('gone');
    expect(call.status).toBe(503);
    expect(call.json).toMatchObject({ code: 'MODULE_UNAVAILABLE', error: expect.stringContaining(PACKAGE) });
    expect(await list()).toMatchObject({ packages: [], missing: [PACKAGE] });
    const unknown = await server.request('DELETE', '/api/packages/never-installed', undefined, ADMIN_AUTH);
    expect(unknown.status).toBe(404);
    expect(unknown.json.code).toBe('PACKAGE_NOT_FOUND');
  }, 120_000);

  it('answers 404 for an unknown job', async () => {
    const answer = await server.get('/api/packages/jobs/nope', ADMIN_AUTH);
    expect(answer.status).toBe(404);
    expect(answer.json.code).toBe('PACKAGE_JOB_NOT_FOUND');
  });
});
