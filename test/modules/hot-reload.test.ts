import { once } from 'node:events';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadError, ReloadResult } from '../../src/shared/contract.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { expectData, expectError, ok } from '../helpers/expect.js';

/**
 * Hot reload through the watcher (issue 4): a real runtime with `hotReload: true` over a temporary
 * workspace; files are changed on disk as an editor would, and nothing else triggers a reload
 * (except in the one describe that says it reloads explicitly).
 */

const WAIT_MS = 10_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * chokidar drops a file's change event that comes within 50 ms of the previous one, and a save
 * that lands while a reload reads the file meets the build-cache race: both have their own tests
 * at the end. So that each other test checks one thing, a save waits that long out first.
 */
const CHOKIDAR_CHANGE_THROTTLE_MS = 50;
const quiet = () => sleep(CHOKIDAR_CHANGE_THROTTLE_MS * 2);

/** Saves a file below the server's folder once the previous save's change event is old. */
async function save(server: TestServer, relative: string, content: string): Promise<void> {
  await quiet();
  await server.write(relative, content);
}

async function status(
  server: TestServer,
): Promise<{ generation: number; endpoints: { path: string }[]; failedModules: LoadError[] }> {
  const answer = await server.get('/');
  expect(answer.status).toBe(200);
  return answer.json;
}

/** Probes until `done` holds, at most `WAIT_MS`; a bounded wait, never a timing assertion. */
async function until<T>(
  probe: () => Promise<T> | T,
  done: (value: T) => boolean,
  what: string,
  limitMs = WAIT_MS,
): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`gave up waiting for ${what}; last seen: ${JSON.stringify(value)}`);
    }
    await sleep(20);
  }
}

/** Polls a business endpoint until it answers 200 with `data`. */
const untilAnswer = (server: TestServer, route: string, data: unknown, limitMs = WAIT_MS) =>
  until(
    () => ok(server, route),
    (answer) => answer.status === 200 && JSON.stringify(answer.json?.data) === JSON.stringify(data),
    `${route} to answer ${JSON.stringify(data)}`,
    limitMs,
  );

/** Polls a business endpoint until it answers with `status`. */
const untilStatus = (server: TestServer, route: string, code: number) =>
  until(
    () => ok(server, route),
    (answer) => answer.status === code,
    `${route} to answer ${code}`,
  );

/** The next `reloaded` result; subscribe BEFORE touching the files. */
function nextReload(server: TestServer): Promise<ReloadResult> {
  return once(server.runtime.events, 'reloaded', { signal: AbortSignal.timeout(WAIT_MS) }).then(
    ([result]) => result as ReloadResult,
  );
}

interface SeenReload {
  result: ReloadResult;
  /** The endpoints of the generation the result announced, read when it was announced. */
  paths: string[] | undefined;
}

/** Records every `reloaded` and `loadError` event from now until `stop()`. */
function record(server: TestServer) {
  const reloads: SeenReload[] = [];
  const loadErrors: LoadError[] = [];
  const onReloaded = (result: ReloadResult) => {
    const generation = server.runtime.generation;
    reloads.push({
      result,
      paths: generation.id === result.generation ? generation.endpoints.map((e) => e.path) : undefined,
    });
  };
  const onLoadError = (error: LoadError) => loadErrors.push(error);
  server.runtime.events.on('reloaded', onReloaded);
  server.runtime.events.on('loadError', onLoadError);
  return {
    reloads,
    loadErrors,
    stop: () => {
      server.runtime.events.off('reloaded', onReloaded);
      server.runtime.events.off('loadError', onLoadError);
    },
  };
}

const fn = (name: string, value: string) => `import { apiFunction } from 'api-deploy';

export const ${name} = apiFunction(() => ${JSON.stringify(value)});
`;

const KEEP = fn('ping', 'pong');

describe('the watcher picks up add, change, delete and rename', () => {
  let server: TestServer;
  const file = (relative: string) => path.join(server.dir, 'apis', relative);

  beforeAll(async () => {
    server = await startServer({ 'apis/keep.ts': KEEP }, { hotReload: true });
  });
  afterAll(() => server.stop());

  it('runs with the watcher on', async () => {
    expect((await server.get('/')).json.hotReload).toBe(true);
    expectData(await ok(server, '/keep/ping'), '/keep/ping', 'pong');
    expectError(await ok(server, '/added/hello'), '/added/hello', 404, 'ENDPOINT_NOT_FOUND');
  });

  it('serves a module added to the folder, with no reload asked for', async () => {
    const reloaded = nextReload(server);
    await save(server, 'apis/added.ts', fn('hello', 'added 1'));
    const result = await reloaded;
    expect(result.failed).toEqual([]);
    expectData(await untilAnswer(server, '/added/hello', 'added 1'), '/added/hello', 'added 1');
    expect((await status(server)).endpoints.map((e) => e.path).sort()).toEqual([
      '/added/hello',
      '/keep/ping',
    ]);
  });

  it('serves a module added in a new sub-folder', async () => {
    await quiet();
    await mkdir(file('sub'));
    await writeFile(file('sub/deep.ts'), fn('where', 'deep'));
    expectData(await untilAnswer(server, '/sub/deep/where', 'deep'), '/sub/deep/where', 'deep');
  });

  it('serves the new version of a changed module', async () => {
    const reloaded = nextReload(server);
    await save(server, 'apis/added.ts', fn('hello', 'added 2'));
    expect((await reloaded).failed).toEqual([]);
    expectData(await untilAnswer(server, '/added/hello', 'added 2'), '/added/hello', 'added 2');
    expectData(await ok(server, '/keep/ping'), '/keep/ping', 'pong');
  });

  it('drops an export removed by a change and serves one added by it', async () => {
    await save(server, 'apis/added.ts', fn('greet', 'added 3'));
    expectData(await untilAnswer(server, '/added/greet', 'added 3'), '/added/greet', 'added 3');
    expectError(await ok(server, '/added/hello'), '/added/hello', 404, 'ENDPOINT_NOT_FOUND');
  });

  it('follows a module renamed with fs.rename: the new name serves, the old one is gone', async () => {
    const reloaded = nextReload(server);
    await quiet();
    await rename(file('added.ts'), file('renamed.ts'));
    expect((await reloaded).failed).toEqual([]);
    expectData(await untilAnswer(server, '/renamed/greet', 'added 3'), '/renamed/greet', 'added 3');
    expectError(await untilStatus(server, '/added/greet', 404), '/added/greet', 404, 'ENDPOINT_NOT_FOUND');
    const paths = (await status(server)).endpoints.map((e) => e.path).sort();
    expect(paths).toEqual(['/keep/ping', '/renamed/greet', '/sub/deep/where']);
  });

  it('follows a module renamed into another folder', async () => {
    await quiet();
    await rename(file('renamed.ts'), file('sub/moved.ts'));
    expectData(await untilAnswer(server, '/sub/moved/greet', 'added 3'), '/sub/moved/greet', 'added 3');
    expectError(
      await untilStatus(server, '/renamed/greet', 404),
      '/renamed/greet',
      404,
      'ENDPOINT_NOT_FOUND',
    );
  });

  it('removes the endpoints of a deleted module, and of a deleted folder', async () => {
    const reloaded = nextReload(server);
    await quiet();
    await rm(file('sub/deep.ts'));
    expect((await reloaded).failed).toEqual([]);
    expectError(
      await untilStatus(server, '/sub/deep/where', 404),
      '/sub/deep/where',
      404,
      'ENDPOINT_NOT_FOUND',
    );
    expectData(await ok(server, '/sub/moved/greet'), '/sub/moved/greet', 'added 3');

    await quiet();
    await rm(file('sub'), { recursive: true });
    expectError(
      await untilStatus(server, '/sub/moved/greet', 404),
      '/sub/moved/greet',
      404,
      'ENDPOINT_NOT_FOUND',
    );
    const page = await status(server);
    expect(page.endpoints.map((e) => e.path)).toEqual(['/keep/ping']);
    expect(page.failedModules).toEqual([]);
    expectData(await ok(server, '/keep/ping'), '/keep/ping', 'pong');
  });
});

describe('a broken save through the watcher', () => {
  let server: TestServer;
  const V1 = fn('version', 'one');
  // line 5, column 13: the ";" where an operand belongs
  const SYNTAX_ERROR = `import { apiFunction } from 'api-deploy';

export const version = apiFunction(() => 'two');
export const bad = apiFunction(() => {
  return 1 +;
});
`;
  const SYNTAX_FAILURE = { module: 'm', file: 'm.ts', line: 5, column: 13, message: 'Unexpected ";"' };
  // line 3, column 7: the `new Error`
  const THROWS = `import { apiFunction } from 'api-deploy';
export const version = apiFunction(() => 'two');
throw new Error('not today');
`;
  const THROW_FAILURE = { module: 'm', file: 'm.ts', line: 3, column: 7, message: 'Error: not today' };

  beforeAll(async () => {
    server = await startServer({ 'apis/m.ts': V1, 'apis/other.ts': KEEP }, { hotReload: true });
  });
  afterAll(() => server.stop());

  /** Saves `content` as m.ts and waits for the reload that reports m as failed. */
  async function saveBroken(content: string) {
    const events = record(server);
    try {
      await save(server, 'apis/m.ts', content);
      await until(
        () => events.reloads,
        (seen) => seen.some(({ result }) => result.failed.some((failure) => failure.module === 'm')),
        'a reload that reports m as failed',
      );
      return events;
    } finally {
      events.stop();
    }
  }

  it('serves the first version', async () => {
    expectData(await ok(server, '/m/version'), '/m/version', 'one');
    expect((await status(server)).failedModules).toEqual([]);
  });

  it('keeps the last good version serving when a save does not compile', async () => {
    const events = await saveBroken(SYNTAX_ERROR);
    const failing = events.reloads.find(({ result }) => result.failed.length > 0)!;
    expect(failing.result.failed).toEqual([SYNTAX_FAILURE]);
    expect(failing.paths).toEqual(expect.arrayContaining(['/m/version', '/other/ping']));
    expectData(await ok(server, '/m/version'), '/m/version', 'one');
    expectError(await ok(server, '/m/bad'), '/m/bad', 404, 'ENDPOINT_NOT_FOUND');
    expectData(await ok(server, '/other/ping'), '/other/ping', 'pong');
  });

  it('reports the failure in the loadError event, with file, line and column', async () => {
    const events = await saveBroken(SYNTAX_ERROR + '\n// saved again\n');
    expect(events.loadErrors).toContainEqual(SYNTAX_FAILURE);
    expect(events.loadErrors.every((failure) => failure.module === 'm')).toBe(true);
  });

  it('reports the failure on the status page, with file, line and column', async () => {
    const page = await status(server);
    expect(page.failedModules).toEqual([SYNTAX_FAILURE]);
    expect(page.endpoints.map((e) => e.path).sort()).toEqual(['/m/version', '/other/ping']);
  });

  it('keeps the last good version when a save throws at load, and reports where', async () => {
    const events = await saveBroken(THROWS);
    expect(events.reloads.at(-1)!.result.failed).toEqual([THROW_FAILURE]);
    expect(events.loadErrors).toContainEqual(THROW_FAILURE);
    expect((await status(server)).failedModules).toEqual([THROW_FAILURE]);
    expectData(await ok(server, '/m/version'), '/m/version', 'one');
  });

  it('serves the fixed version and clears the failure once the file is fixed', async () => {
    const events = record(server);
    try {
      await save(server, 'apis/m.ts', fn('version', 'three'));
      expectData(await untilAnswer(server, '/m/version', 'three'), '/m/version', 'three');
      expect(events.reloads.at(-1)!.result.failed).toEqual([]);
      expect(events.loadErrors).toEqual([]);
    } finally {
      events.stop();
    }
    expect((await status(server)).failedModules).toEqual([]);
    expectData(await ok(server, '/other/ping'), '/other/ping', 'pong');
  });
});

describe('a change to a helper through the watcher', () => {
  let server: TestServer;
  const helper = (label: string) => `export const label = ${JSON.stringify(label)};\n`;

  beforeAll(async () => {
    server = await startServer(
      {
        'apis/_helper.ts': helper('a'),
        // imports the helper directly
        'apis/direct.ts': `import { apiFunction } from 'api-deploy';
import { label } from './_helper';

export const get = apiFunction(() => 'direct ' + label);
`,
        // imports it through another helper, in a helper folder
        'apis/_lib/wrap.ts': `import { label } from '../_helper';
export const wrapped = () => '[' + label + ']';
`,
        'apis/indirect.ts': `import { apiFunction } from 'api-deploy';
import { wrapped } from './_lib/wrap';

export const get = apiFunction(() => 'indirect ' + wrapped());
`,
        // imports nothing: keeps working whatever the helper does
        'apis/alone.ts': fn('get', 'alone'),
      },
      { hotReload: true },
    );
  });
  afterAll(() => server.stop());

  it('serves the helper’s first value', async () => {
    expectData(await ok(server, '/direct/get'), '/direct/get', 'direct a');
    expectData(await ok(server, '/indirect/get'), '/indirect/get', 'indirect [a]');
  });

  it('reloads every module importing the helper, directly or not', async () => {
    const reloaded = nextReload(server);
    await save(server, 'apis/_helper.ts', helper('b'));
    expect((await reloaded).failed).toEqual([]);
    expectData(await untilAnswer(server, '/direct/get', 'direct b'), '/direct/get', 'direct b');
    expectData(await untilAnswer(server, '/indirect/get', 'indirect [b]'), '/indirect/get', 'indirect [b]');
    expectData(await ok(server, '/alone/get'), '/alone/get', 'alone');
  });

  it('reloads dependents of a helper that imports the changed helper', async () => {
    await save(
      server,
      'apis/_lib/wrap.ts',
      `import { label } from '../_helper';\nexport const wrapped = () => '<' + label + '>';\n`,
    );
    expectData(await untilAnswer(server, '/indirect/get', 'indirect <b>'), '/indirect/get', 'indirect <b>');
    expectData(await ok(server, '/direct/get'), '/direct/get', 'direct b');
    expectData(await ok(server, '/alone/get'), '/alone/get', 'alone');
  });

  it('fails exactly the dependents when the helper breaks, keeping their last good versions', async () => {
    const events = record(server);
    try {
      await save(server, 'apis/_helper.ts', `export const label = ;\n`);
      const seen = await until(
        () => events.reloads,
        (reloads) => reloads.some(({ result }) => result.failed.length >= 2),
        'a reload that reports the dependents as failed',
      );
      const failed = seen.find(({ result }) => result.failed.length >= 2)!.result.failed;
      const where = { file: '_helper.ts', line: 1, column: 22, message: 'Unexpected ";"' };
      expect([...failed].sort((a, b) => a.module.localeCompare(b.module))).toEqual([
        { module: 'direct', ...where },
        { module: 'indirect', ...where },
      ]);
      expect(events.loadErrors.map((failure) => failure.module).sort()).toEqual(['direct', 'indirect']);
    } finally {
      events.stop();
    }
    expectData(await ok(server, '/direct/get'), '/direct/get', 'direct b');
    expectData(await ok(server, '/indirect/get'), '/indirect/get', 'indirect <b>');
    expectData(await ok(server, '/alone/get'), '/alone/get', 'alone');
  });

  it('clears the failures once the helper is fixed', async () => {
    await save(server, 'apis/_helper.ts', helper('c'));
    expectData(await untilAnswer(server, '/direct/get', 'direct c'), '/direct/get', 'direct c');
    expectData(await untilAnswer(server, '/indirect/get', 'indirect <c>'), '/indirect/get', 'indirect <c>');
    expect((await status(server)).failedModules).toEqual([]);
    expectData(await ok(server, '/alone/get'), '/alone/get', 'alone');
  });
});

describe('editor-style saves through the watcher', () => {
  let server: TestServer;
  const file = (relative: string) => path.join(server.dir, 'apis', relative);
  const version = (n: number) => `import { apiFunction } from 'api-deploy';

/** Version ${n}. */
export const get = apiFunction(() => 'x ${n}');
export const also = apiFunction((n: number = ${n}) => n);
`;

  beforeAll(async () => {
    server = await startServer({ 'apis/x.ts': version(1), 'apis/y.ts': KEEP }, { hotReload: true });
  });
  afterAll(() => server.stop());

  /** Every reload seen served /x/get and /x/also, and nothing failed. */
  function expectNoGap(events: ReturnType<typeof record>): void {
    expect(events.reloads.length).toBeGreaterThan(0);
    for (const { result, paths } of events.reloads) {
      expect(result.failed).toEqual([]);
      expect(result.endpoints).toBe(3);
      expect(paths).toEqual(expect.arrayContaining(['/x/get', '/x/also', '/y/ping']));
    }
    expect(events.loadErrors).toEqual([]);
  }

  it('serves the first version', async () => {
    expectData(await ok(server, '/x/get'), '/x/get', 'x 1');
  });

  it('takes an atomic save (write a dot-file, rename it over the module) with no load error', async () => {
    const events = record(server);
    try {
      await quiet();
      await writeFile(file('.x.ts.swp'), version(2));
      await rename(file('.x.ts.swp'), file('x.ts'));
      expectData(await untilAnswer(server, '/x/get', 'x 2'), '/x/get', 'x 2');
      expectNoGap(events);
    } finally {
      events.stop();
    }
    expect((await status(server)).failedModules).toEqual([]);
  });

  it('takes an atomic save through a temporary file that is not a module (x.ts.tmp)', async () => {
    const events = record(server);
    try {
      await quiet();
      await writeFile(file('x.ts.tmp'), version(3));
      await rename(file('x.ts.tmp'), file('x.ts'));
      expectData(await untilAnswer(server, '/x/get', 'x 3'), '/x/get', 'x 3');
      expectNoGap(events);
    } finally {
      events.stop();
    }
  });

  it('takes a backup-rename save (old file moved aside, new one renamed in, backup deleted)', async () => {
    const events = record(server);
    try {
      await quiet();
      await writeFile(file('x.ts___jb_tmp___'), version(4));
      await rename(file('x.ts'), file('x.ts___jb_old___'));
      await rename(file('x.ts___jb_tmp___'), file('x.ts'));
      await rm(file('x.ts___jb_old___'));
      expectData(await untilAnswer(server, '/x/get', 'x 4'), '/x/get', 'x 4');
      expectNoGap(events);
    } finally {
      events.stop();
    }
  });

  it('never announces a generation without the endpoint during truncate-then-write saves', async () => {
    const events = record(server);
    try {
      for (let n = 5; n < 10; n++) {
        await quiet();
        await writeFile(file('x.ts'), '');
        await sleep(20);
        await writeFile(file('x.ts'), version(n));
        expectData(await untilAnswer(server, '/x/get', `x ${n}`), '/x/get', `x ${n}`);
        expectData(await ok(server, '/x/also'), '/x/also', n);
      }
      expectNoGap(events);
    } finally {
      events.stop();
    }
    expect((await status(server)).failedModules).toEqual([]);
  });
});

describe('a save that lands while a reload is compiling (explicit reloads)', () => {
  let server: TestServer;
  const version = (n: number) => `import { apiFunction } from 'api-deploy';
export const get = apiFunction(() => 'x ${String(n).padStart(4, '0')}');
`;

  // The watcher is off: the test triggers each reload itself, at the moment it needs.
  beforeAll(async () => {
    server = await startServer({ 'apis/x.ts': version(0) });
  });
  afterAll(() => server.stop());

  // Before commit 92975d5 BuildCache compiled a module, then stamped its inputs (mtime, ctime,
  // size) only after the compile: a save landing in between was stamped but not compiled, and
  // every later reload kept the older build (or an empty one, when the compile read the file
  // truncated mid-save: the endpoint vanished with 404 and no load error). Through the watcher
  // the same race also gave the spurious error "get: cannot read its parameters" (the signature
  // reader read the file apart from esbuild). This test failed on every run then.
  it('serves the latest save after the next reload, even when the save landed during a reload', async () => {
    const file = path.join(server.dir, 'apis', 'x.ts');
    let n = 1;
    for (let i = 0; i < 30; i++) {
      await writeFile(file, version(n++));
      const reloading = server.runtime.reload();
      await sleep(i % 5);
      const latest = n++;
      await writeFile(file, version(latest));
      await reloading;
      await server.runtime.reload();
      const expected = `x ${String(latest).padStart(4, '0')}`;
      expectData(await ok(server, '/x/get'), '/x/get', expected);
    }
  });
});

describe('two saves of one file in quick succession, through the watcher', () => {
  let server: TestServer;
  const version = (n: number) => `import { apiFunction } from 'api-deploy';
export const get = apiFunction(() => 'q ${n}');
`;

  beforeAll(async () => {
    server = await startServer({ 'apis/q.ts': version(0) }, { hotReload: true });
  });
  afterAll(() => server.stop());

  // chokidar emits at most one `change` per file every 50 ms and drops the others, so a second
  // save within 50 ms of the first is caught only by the watcher looking again after a reload.
  // With the watcher of commit 73ceca7, every second save 32 to 48 ms after the first was lost:
  // the module served the first save until the file changed again, and nothing said so; and one
  // 26 to 30 ms after met the build-cache race of the describe above. Gaps sweep 20 to 50 ms.
  it('serves the second of two saves made a few tens of milliseconds apart', async () => {
    let n = 1;
    for (let gap = 20; gap <= 50; gap += 2) {
      await quiet();
      await writeFile(path.join(server.dir, 'apis', 'q.ts'), version(n++));
      await sleep(gap);
      const latest = n++;
      await writeFile(path.join(server.dir, 'apis', 'q.ts'), version(latest));
      expectData(await untilAnswer(server, '/q/get', `q ${latest}`), '/q/get', `q ${latest}`);
    }
  });
});
