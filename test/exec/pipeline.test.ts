import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSINESS, startServer, type TestServer } from '../helpers/server.js';

/**
 * Plain calls wait in a busy worker behind other plain calls (issue 17: a fed worker is never
 * woken per call), and one that waits too long behind a slow call is taken back and run by
 * another worker. Whatever the timing, a call runs exactly once, and a call that never started
 * survives its worker's death.
 */
const MARKS = (dir: string) => path.join(dir, 'marks.txt');

const module = (marks: string) => `import { apiFunction } from 'api-deploy';
import { appendFileSync } from 'node:fs';
/** Notes that it ran, then keeps its worker busy for ms. */
export const mark = apiFunction((id: string, ms: number) => {
  appendFileSync(${JSON.stringify(marks)}, id + '\\n');
  const end = Date.now() + ms;
  while (Date.now() < end) {}
  return id;
});
/** Ends its worker: out of memory. */
export const crash = apiFunction(() => {
  const hoard: number[][] = [];
  for (;;) hoard.push(new Array(1_000_000).fill(1));
});
`;

describe('plain calls waiting in a worker', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({}, { workers: 2, maxWorkers: 2, workerMemoryMb: 64 });
    await server.write('apis/pipe.ts', module(MARKS(server.dir)));
    await server.runtime.reload();
  });
  afterAll(() => server.stop());

  const mark = (id: string, ms: number) =>
    server.post('/pipe/mark', { token: BUSINESS, body: { id, ms } }).then((answer) => ({ id, answer }));

  it('runs every call exactly once, slow ones among them making the calls behind them move', async () => {
    // every fifth call is slower than the time a call may wait behind another
    const ids = Array.from({ length: 60 }, (_, index) => `call-${index}`);
    const answers = await Promise.all(ids.map((id, index) => mark(id, index % 5 === 0 ? 40 : 0)));
    for (const { id, answer } of answers) {
      expect(answer.status, `${id}: ${answer.text}`).toBe(200);
      expect(answer.json.data).toBe(id);
    }
    const ran = (await readFile(MARKS(server.dir), 'utf8')).trim().split('\n');
    expect([...ran].sort()).toEqual([...ids].sort());
  });

  it('takes the calls waiting behind a slow call back, and another worker answers them first', async () => {
    const slow = mark('slow', 3000);
    // Sent once it runs: the pool still counts its worker able to take calls to wait behind it.
    while (!(await readFile(MARKS(server.dir), 'utf8')).includes('slow\n')) await sleep(2);
    const order: string[] = [];
    const fast = Array.from({ length: 8 }, (_, index) =>
      mark(`behind-${index}`, 0).then((result) => (order.push(result.id), result)),
    );
    await Promise.all([slow.then(() => order.push('slow')), ...fast]);
    for (const { id, answer } of await Promise.all(fast)) expect(answer.status, id).toBe(200);
    expect(order.at(-1)).toBe('slow');
  });

  it('gives the calls waiting behind a call that kills its worker to another worker', async () => {
    const crash = server.post('/pipe/crash', { token: BUSINESS, body: {} });
    const others = Array.from({ length: 12 }, (_, index) => mark(`after-crash-${index}`, 0));
    expect((await crash).status).toBe(500);
    for (const { id, answer } of await Promise.all(others)) {
      expect(answer.status, `${id}: ${answer.text}`).toBe(200);
    }
  });
});
