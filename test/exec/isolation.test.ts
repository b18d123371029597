import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadError } from '../../src/shared/contract.js';
import { ADMIN, startServer, type Answer, type TestServer } from '../helpers/server.js';
import { expectData, expectError, ok } from '../helpers/expect.js';

/**
 * User code runs off the HTTP thread (issue 4): reload swaps, time limits, crashes, blocking
 * functions and modules that never finish loading, all through a real runtime. Orders are
 * asserted, never durations; every wait is bounded.
 */

const WAIT_MS = 10_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits, at most `WAIT_MS`, for a file to appear: the sign a function has started. */
async function untilExists(file: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${file}`);
    await sleep(10);
  }
}

/** Names the promises in the order they settle. */
function settleOrder(promises: Record<string, Promise<unknown>>): { order: string[]; all: Promise<unknown> } {
  const order: string[] = [];
  const all = Promise.allSettled(
    Object.entries(promises).map(([name, promise]) =>
      promise.finally(() => {
        order.push(name);
      }),
    ),
  );
  return { order, all };
}

const SLEEP = `const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));`;

const FAST = `import { apiFunction } from 'api-deploy';
export const ping = apiFunction(() => 'pong');
`;

describe('requests in flight during a swap', () => {
  let server: TestServer;
  /** A slow function that reports it started, then waits (at most 10 s) for the test to release it. */
  const swap = (version: string) => `import { apiFunction } from 'api-deploy';
import { existsSync, writeFileSync } from 'node:fs';
${SLEEP}

const VERSION = ${JSON.stringify(version)};

export const slow = apiFunction(async (started: string, release: string) => {
  writeFileSync(started, VERSION);
  const deadline = Date.now() + 10_000;
  while (!existsSync(release) && Date.now() < deadline) await sleep(10);
  return VERSION;
});
export const fast = apiFunction(() => VERSION);
`;

  beforeAll(async () => {
    server = await startServer({ 'apis/swap.ts': swap('v1'), 'apis/other.ts': FAST });
  });
  afterAll(() => server.stop());

  it('finishes a call started before the swap on the code it started with, and serves new calls the new code', async () => {
    const started = path.join(server.dir, 'started-1');
    const release = path.join(server.dir, 'release-1');
    let settled = false;
    const inFlight = ok(server, '/swap/slow', { started, release }).finally(() => {
      settled = true;
    });
    await untilExists(started);
    const before = (await server.get('/')).json.generation;

    await server.write('apis/swap.ts', swap('v2'));
    const reload = await server.get(`/api/reload?token=${ADMIN}`);
    expect(reload.status).toBe(200);
    expect(reload.json.data.failed).toEqual([]);
    expect((await server.get('/')).json.generation).toBeGreaterThan(before);

    expectData(await ok(server, '/swap/fast'), '/swap/fast', 'v2');
    expectData(await ok(server, '/other/ping'), '/other/ping', 'pong');
    expect(settled).toBe(false); // the swap really happened while the v1 call was running

    await writeFile(release, '');
    expectData(await inFlight, '/swap/slow', 'v1');

    const again = path.join(server.dir, 'started-2');
    expectData(await ok(server, '/swap/slow', { started: again, release }), '/swap/slow', 'v2');
  });

  it('answers every call made while reloads happen, each on a whole generation', async () => {
    // A steady stream of calls, five at a time, for as long as the reloads go on.
    const answers: Answer[] = [];
    let reloading = true;
    const load = (async () => {
      while (reloading)
        answers.push(...(await Promise.all([1, 2, 3, 4, 5].map(() => ok(server, '/swap/fast')))));
    })();
    // Each save is written before its reload starts, so a reload never reads a file being written
    // (that race is the it.fails test in hot-reload.test.ts); calls overlap every reload.
    for (let round = 0; round < 5; round++) {
      await server.write('apis/swap.ts', swap(`r${round}`));
      const reload = await server.get(`/api/reload?token=${ADMIN}`);
      expect(reload.status).toBe(200);
      expect(reload.json.data.failed).toEqual([]);
    }
    reloading = false;
    await load;
    expect(answers.length).toBeGreaterThan(0);
    const versions = new Set(['v2', 'r0', 'r1', 'r2', 'r3', 'r4']);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(versions.has(answer.json.data)).toBe(true);
    }
    expectData(await ok(server, '/swap/fast'), '/swap/fast', 'r4');
  });
});

describe('time limits on plain (synchronous) functions', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer(
      {
        'apis/t.ts': `import { apiFunction } from 'api-deploy';

const busy = (ms: number) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {}
};

export const spin = apiFunction(() => {
  while (true) {}
});
/** Tighter than the config: 300 ms. */
export const short_spin = apiFunction({ timeoutMs: 300 }, () => {
  busy(1000);
  return 'late';
});
/** Looser than the config: 10 s. */
export const long_busy = apiFunction({ timeoutMs: 10_000 }, () => {
  busy(2000);
  return 'made it';
});
/** Not async, but returns a promise that settles late. */
export const late_promise = apiFunction(() => new Promise((resolve) => setTimeout(() => resolve('late'), 5000)));
export const fast = apiFunction(() => 'fast');
`,
        'apis/other.ts': FAST,
      },
      // One worker, never more: a stuck worker that is not replaced would stall every later call.
      { functionTimeoutMs: 1500, workers: 1, maxWorkers: 1 },
    );
  });
  afterAll(() => server.stop());

  it('answers 504 FUNCTION_TIMEOUT for while (true) {}, then serves the next call', async () => {
    expectError(await ok(server, '/t/spin'), '/t/spin', 504, 'FUNCTION_TIMEOUT');
    expectData(await ok(server, '/t/fast'), '/t/fast', 'fast');
    expectData(await ok(server, '/other/ping'), '/other/ping', 'pong');
  });

  it('applies apiFunction({ timeoutMs }) when it is tighter than functionTimeoutMs', async () => {
    expectError(await ok(server, '/t/short_spin'), '/t/short_spin', 504, 'FUNCTION_TIMEOUT');
    expectData(await ok(server, '/t/fast'), '/t/fast', 'fast');
  });

  it('applies apiFunction({ timeoutMs }) when it is looser than functionTimeoutMs', async () => {
    expectData(await ok(server, '/t/long_busy'), '/t/long_busy', 'made it');
  });

  it('answers 504 for a plain function whose promise settles too late, then serves the next call', async () => {
    expectError(await ok(server, '/t/late_promise'), '/t/late_promise', 504, 'FUNCTION_TIMEOUT');
    expectData(await ok(server, '/t/fast'), '/t/fast', 'fast');
  });

  it('replaces stuck workers again and again', async () => {
    for (let i = 0; i < 3; i++) {
      expectError(await ok(server, '/t/short_spin'), '/t/short_spin', 504, 'FUNCTION_TIMEOUT');
      expectData(await ok(server, '/t/fast'), '/t/fast', 'fast');
    }
    expect((await server.get('/')).status).toBe(200);
  });
});

describe('time limits on async functions', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer(
      {
        'apis/a.ts': `import { apiFunction } from 'api-deploy';
${SLEEP}

export const sleepy = apiFunction(async () => {
  await sleep(3000);
  return 'late';
});
/** Tighter than the config: 300 ms. */
export const short_limit = apiFunction({ timeoutMs: 300 }, async () => {
  await sleep(700);
  return 'late';
});
/** Looser than the config: 10 s. */
export const long_limit = apiFunction({ timeoutMs: 10_000 }, async () => {
  await sleep(1500);
  return 'made it';
});
/** Awaits, then blocks its worker's event loop for good. */
export const then_spin = apiFunction(async () => {
  await sleep(10);
  while (true) {}
});
export const fast = apiFunction(() => 'fast');
export const fast_async = apiFunction(async () => 'fast async');
`,
      },
      { functionTimeoutMs: 1000, workers: 1, maxWorkers: 1 },
    );
  });
  afterAll(() => server.stop());

  it('answers 504 FUNCTION_TIMEOUT for an async function that blocks after an await, then serves the next call', async () => {
    expectError(await ok(server, '/a/then_spin'), '/a/then_spin', 504, 'FUNCTION_TIMEOUT');
    expectData(await ok(server, '/a/fast'), '/a/fast', 'fast');
    expectData(await ok(server, '/a/fast_async'), '/a/fast_async', 'fast async');
  });

  it('applies apiFunction({ timeoutMs }) when it is looser than functionTimeoutMs', async () => {
    expectData(await ok(server, '/a/long_limit'), '/a/long_limit', 'made it');
  });

  it('applies apiFunction({ timeoutMs }) when it is tighter than functionTimeoutMs', async () => {
    expectError(await ok(server, '/a/short_limit'), '/a/short_limit', 504, 'FUNCTION_TIMEOUT');
    expectData(await ok(server, '/a/fast_async'), '/a/fast_async', 'fast async');
  });

  it('answers 504 FUNCTION_TIMEOUT for a slow async function, then serves an async call', async () => {
    expectError(await ok(server, '/a/sleepy'), '/a/sleepy', 504, 'FUNCTION_TIMEOUT');
    expectData(await ok(server, '/a/fast_async'), '/a/fast_async', 'fast async');
  });

  // A plain function's call needs a worker with nothing else running: the call answered 504 must
  // not keep counting as running on its worker, or with one worker this call waits behind it.
  it('answers 504 FUNCTION_TIMEOUT for a slow async function, then serves a plain call of the same module', async () => {
    expectError(await ok(server, '/a/sleepy'), '/a/sleepy', 504, 'FUNCTION_TIMEOUT');
    expectData(await ok(server, '/a/fast'), '/a/fast', 'fast');
  });
});

describe('async calls that never settle, with room for more workers', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer(
      {
        'apis/n.ts': `import { apiFunction } from 'api-deploy';

export const forever = apiFunction({ timeoutMs: 200 }, async () => {
  await new Promise(() => {});
});
export const fast = apiFunction(() => 'fast');
`,
      },
      { functionTimeoutMs: 1000, workers: 2, maxWorkers: 4 },
    );
  });
  afterAll(() => server.stop());

  // Were each timed-out async call still counted on its worker, once every worker up to
  // maxWorkers held one no plain call could run any more (504 for all from the 5th round).
  it('keeps serving plain calls after many timed-out async calls', async () => {
    for (let i = 0; i < 6; i++) {
      expectError(await ok(server, '/n/forever'), '/n/forever', 504, 'FUNCTION_TIMEOUT');
      expectData(await ok(server, '/n/fast'), '/n/fast', 'fast');
    }
  });
});

/** Functions that crash their call in every way the issue names. */
const CRASHES = `import { apiFunction } from 'api-deploy';
${SLEEP}

export const exits = apiFunction(() => {
  process.exit(1);
});
export const timer = apiFunction(async () => {
  setTimeout(() => {
    throw new Error('secret timer failure');
  }, 10);
  await sleep(500);
  return 'unreachable';
});
export const hog = apiFunction(() => {
  const hoard: number[][] = [];
  for (;;) hoard.push(new Array(1_000_000).fill(hoard.length));
});
export const throws = apiFunction(() => {
  throw new Error('secret plain failure');
});
export const fast = apiFunction(() => 'fine');
`;

describe('crashes in user code (debug mode)', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer(
      { 'apis/crash.ts': CRASHES, 'apis/other.ts': FAST },
      { debug: true, workers: 1, maxWorkers: 1, workerMemoryMb: 64 },
    );
  });
  afterAll(() => server.stop());

  async function expectCarriesOn(): Promise<void> {
    expectData(await ok(server, '/crash/fast'), '/crash/fast', 'fine');
    expectData(await ok(server, '/other/ping'), '/other/ping', 'pong');
    expect((await server.get('/')).status).toBe(200);
  }

  function expectCrash(answer: Answer, endpoint: string, message: RegExp): void {
    expectError(answer, endpoint, 500, 'FUNCTION_ERROR');
    expect(answer.json.error).toMatch(message);
    expect(answer.json.error).not.toMatch(/\n\s+at /); // never a stack
  }

  it('answers 500 FUNCTION_ERROR for process.exit(1), and carries on', async () => {
    expectCrash(await ok(server, '/crash/exits'), '/crash/exits', /process\.exit/);
    await expectCarriesOn();
  });

  it('answers 500 FUNCTION_ERROR for an uncaught error thrown in a timer, and carries on', async () => {
    expectCrash(await ok(server, '/crash/timer'), '/crash/timer', /secret timer failure/);
    await expectCarriesOn();
  });

  it('answers 500 FUNCTION_ERROR when a function blows the worker memory limit, and carries on', async () => {
    expectCrash(await ok(server, '/crash/hog'), '/crash/hog', /memory/);
    await expectCarriesOn();
  });

  it('answers 500 FUNCTION_ERROR with the message for a plain throw', async () => {
    expectCrash(await ok(server, '/crash/throws'), '/crash/throws', /secret plain failure/);
    await expectCarriesOn();
  });

  it('carries on after every crash in a row', async () => {
    for (const name of ['exits', 'timer', 'hog', 'throws']) {
      expectError(await ok(server, `/crash/${name}`), `/crash/${name}`, 500, 'FUNCTION_ERROR');
    }
    await expectCarriesOn();
  });
});

describe('crashes in user code (debug off)', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer(
      { 'apis/crash.ts': CRASHES },
      { debug: false, workers: 1, maxWorkers: 1, workerMemoryMb: 64 },
    );
  });
  afterAll(() => server.stop());

  for (const name of ['exits', 'timer', 'hog', 'throws']) {
    it(`hides the message of /crash/${name} but answers the same 500 FUNCTION_ERROR`, async () => {
      const answer = await ok(server, `/crash/${name}`);
      expectError(answer, `/crash/${name}`, 500, 'FUNCTION_ERROR');
      expect(answer.json.error).not.toMatch(/secret|process\.exit|memory|timer|\n\s+at /);
      expectData(await ok(server, '/crash/fast'), '/crash/fast', 'fine');
    });
  }

  it('gives every hidden crash the same message', async () => {
    const messages = new Set<string>();
    for (const name of ['exits', 'timer', 'hog', 'throws']) {
      messages.add((await ok(server, `/crash/${name}`)).json.error);
    }
    expect(messages.size).toBe(1);
  });
});

describe('a blocking function', () => {
  let server: TestServer;
  let round = 0;

  beforeAll(async () => {
    server = await startServer(
      {
        // A synchronous busy loop: holds its worker until released (or 3 s have passed).
        'apis/block.ts': `import { apiFunction } from 'api-deploy';
import { existsSync, writeFileSync } from 'node:fs';

export const block = apiFunction((started: string, release: string) => {
  writeFileSync(started, '');
  const deadline = Date.now() + 3000;
  while (!existsSync(release) && Date.now() < deadline) {}
  return 'unblocked';
});
export const fast = apiFunction(() => 'fast');
`,
        'apis/other.ts': FAST,
      },
      { workers: 2 },
    );
  });
  afterAll(() => server.stop());

  /** Starts blocking calls and waits until each is running. */
  async function startBlocking(count: number) {
    round++;
    const release = path.join(server.dir, `release-${round}`);
    const calls: Promise<Answer>[] = [];
    for (let i = 0; i < count; i++) {
      const started = path.join(server.dir, `started-${round}-${i}`);
      calls.push(ok(server, '/block/block', { started, release }));
      await untilExists(started);
    }
    return { calls, release: () => writeFile(release, '') };
  }

  it('does not delay a concurrent fast call, a call to another module, nor GET /', async () => {
    const blocking = await startBlocking(1);
    const { order, all } = settleOrder({
      blocking: blocking.calls[0]!,
      fast: ok(server, '/block/fast'),
      other: ok(server, '/other/ping'),
      status: server.get('/'),
    });
    // Released only once the others have answered; had they waited for it, it ends by itself.
    await untilSettled(order, 3);
    await blocking.release();
    await all;
    expect(order.at(-1)).toBe('blocking');
    expect([...order].sort()).toEqual(['blocking', 'fast', 'other', 'status']);
    expectData(await blocking.calls[0]!, '/block/block', 'unblocked');
    expectData(await ok(server, '/block/fast'), '/block/fast', 'fast');
  });

  it('does not delay a fast call while every worker kept running is blocked', async () => {
    const blocking = await startBlocking(2); // workers: 2, both busy
    const { order, all } = settleOrder({
      first: blocking.calls[0]!,
      second: blocking.calls[1]!,
      fast: ok(server, '/block/fast'),
      status: server.get('/'),
    });
    await untilSettled(order, 2);
    await blocking.release();
    await all;
    expect(order.slice(0, 2).sort()).toEqual(['fast', 'status']);
    for (const call of blocking.calls) expectData(await call, '/block/block', 'unblocked');
  });
});

/** Waits until `count` names have settled, or gives up after `WAIT_MS` (the caller asserts). */
async function untilSettled(order: string[], count: number): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (order.length < count && Date.now() < deadline) await sleep(5);
}

describe('a module whose top level never finishes loading', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer(
      {
        'apis/hang.ts': `import { apiFunction } from 'api-deploy';
export const never = apiFunction(() => 'never');
for (;;) {}
`,
        'apis/fine.ts': FAST,
      },
      {},
      { loadTimeoutMs: 1500 },
    );
  });
  afterAll(() => server.stop());

  it('is listed as failed, with a message about loading not finishing', async () => {
    const page = await server.get('/');
    expect(page.status).toBe(200);
    const failed: LoadError[] = page.json.failedModules;
    expect(failed).toEqual([{ module: 'hang', file: 'hang.ts', message: expect.any(String) }]);
    expect(failed[0]!.message).toMatch(/loading did not finish/);
    expect(page.json.endpoints.map((e: { path: string }) => e.path)).toEqual(['/fine/ping']);
  });

  it('answers 503 MODULE_UNAVAILABLE for its endpoints while the other modules serve', async () => {
    expectError(await ok(server, '/hang/never'), '/hang/never', 503, 'MODULE_UNAVAILABLE');
    expectData(await ok(server, '/fine/ping'), '/fine/ping', 'pong');
  });

  it('serves it once fixed, and keeps that version when a later save hangs again', async () => {
    await server.write(
      'apis/hang.ts',
      `import { apiFunction } from 'api-deploy';\nexport const never = apiFunction(() => 'now');\n`,
    );
    const fixed = await server.get(`/api/reload?token=${ADMIN}`);
    expect(fixed.json.data.failed).toEqual([]);
    expectData(await ok(server, '/hang/never'), '/hang/never', 'now');

    await server.write(
      'apis/hang.ts',
      `import { apiFunction } from 'api-deploy';\nexport const never = apiFunction(() => 'again');\nwhile (true) {}\n`,
    );
    const hung = await server.get(`/api/reload?token=${ADMIN}`);
    expect(hung.status).toBe(200);
    expect(hung.json.data.failed).toEqual([
      { module: 'hang', file: 'hang.ts', message: expect.stringMatching(/loading did not finish/) },
    ]);
    expectData(await ok(server, '/hang/never'), '/hang/never', 'now');
    expectData(await ok(server, '/fine/ping'), '/fine/ping', 'pong');
  });
});

describe('a hung module is remembered, not loaded again on every reload', () => {
  let server: TestServer;
  const LOAD_TIMEOUT_MS = 4000;
  /** The hung module appends a line here each time its top level starts. */
  let marks: string;
  const hanging = (tag: string) => `import { appendFileSync } from 'node:fs';
import { apiFunction } from 'api-deploy';
export const never = apiFunction(() => '${tag}');
appendFileSync(${JSON.stringify(marks)}, '${tag}\\n');
for (;;) {}
`;
  const starts = async () => (await readFile(marks, 'utf8').catch(() => '')).split('\n').filter(Boolean);

  beforeAll(async () => {
    server = await startServer({ 'apis/fine.ts': FAST }, {}, { loadTimeoutMs: LOAD_TIMEOUT_MS });
    marks = path.join(server.dir, 'marks.txt');
    await server.write('apis/hang.ts', hanging('first'));
    const reload = await server.get(`/api/reload?token=${ADMIN}`);
    expect(reload.json.data.failed).toEqual([
      { module: 'hang', file: 'hang.ts', message: expect.stringMatching(/loading did not finish/) },
    ]);
  }, 30_000);
  afterAll(() => server.stop());

  it('a save of another module reloads without waiting for the hung one', async () => {
    expect(await starts()).toEqual(['first']);
    const saved = await server.request(
      'PUT',
      '/api/files/fine.ts',
      { content: FAST.replace("'pong'", "'pong 2'") },
      { authorization: `Bearer ${ADMIN}` },
    );
    expect(saved.status).toBe(200);
    const { reload } = saved.json.data;
    expect(reload.failed).toEqual([
      {
        module: 'hang',
        file: 'hang.ts',
        message: expect.stringMatching(/tried again when one of them changes/),
      },
    ]);
    // the hung module's top level did not run again, so the reload did not wait for its limit
    expect(await starts()).toEqual(['first']);
    expect(reload.durationMs).toBeLessThan(LOAD_TIMEOUT_MS);
    expectData(await ok(server, '/fine/ping'), '/fine/ping', 'pong 2');
    expectError(await ok(server, '/hang/never'), '/hang/never', 503, 'MODULE_UNAVAILABLE');
  });

  it('is tried again once its file changes', async () => {
    await server.write('apis/hang.ts', hanging('second'));
    const reload = await server.get(`/api/reload?token=${ADMIN}`);
    expect(reload.json.data.failed).toHaveLength(1);
    expect(await starts()).toEqual(['first', 'second']);
  }, 30_000);
});
