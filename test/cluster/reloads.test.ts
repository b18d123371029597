// One compile per reload in a cluster: process 1 watches and compiles, process 2 loads its builds;
// both swap generations under load without failing a request.
import { readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterPids, runCli, serverUrl, type CliRun } from '../helpers/cli.js';
import { BUSINESS, makeWorkspace } from '../helpers/server.js';

const RELOADS = 20;
const version = (n: number) => `import { apiFunction } from 'api-deploy';
export const get = apiFunction(() => ({ version: ${n}, pid: process.pid }));
`;

/** A call on a connection of its own: the primary hands each new connection to the next process. */
function call(url: string): Promise<{ version: number; pid: number }> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${url}/counter/get`, { method: 'POST', agent: false }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk));
      response.on('end', () =>
        resolve((JSON.parse(text) as { data: { version: number; pid: number } }).data),
      );
    });
    request.on('error', reject);
    request.end(JSON.stringify({ token: BUSINESS, body: {} }));
  });
}

/** The log lines of one event in a log file. */
async function events(file: string, event: string): Promise<number> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.split('\n').filter((line) => line.includes(`"event":"${event}"`)).length;
}

describe('a cluster of 2 processes, hot reload on', () => {
  let run: CliRun;
  let dir: string;
  let url: string;
  let pids: number[];
  beforeAll(async () => {
    dir = await makeWorkspace(
      { 'apis/counter.ts': version(0) },
      { hotReload: true, debug: true, workers: 1, maxWorkers: 2 },
    );
    run = runCli(['serve', dir, '--processes', '2']);
    url = await serverUrl(run);
    pids = await clusterPids(run);
  });
  afterAll(async () => {
    run.child.kill('SIGTERM');
    await run.exited;
  });
  const logOf = (name: string) => path.join(dir, 'logs', `api_${today()}${name}.log`);
  /** Saves version `n` of the module, and waits until both processes serve it. */
  async function save(n: number): Promise<void> {
    await writeFile(path.join(dir, 'apis', 'counter.ts'), version(n));
    // New connections reach each process in turn.
    await expect
      .poll(async () => new Set((await Promise.all([1, 2, 3, 4].map(() => call(url)))).map((a) => a.version)))
      .toEqual(new Set([n]));
  }

  it(`${RELOADS} saves under load: 0 failed requests, both processes serve each one, one compile each`, async () => {
    // The load: 4 callers back to back, on kept-alive connections spread over both processes.
    let load = true;
    const answered = new Set<number>();
    const failures: string[] = [];
    let calls = 0;
    const caller = async () => {
      while (load) {
        try {
          const response = await fetch(`${url}/counter/get`, {
            method: 'POST',
            body: JSON.stringify({ token: BUSINESS, body: {} }),
          });
          const answer = (await response.json()) as { data?: { pid: number } };
          calls++;
          if (response.status !== 200) failures.push(`${response.status} ${JSON.stringify(answer)}`);
          else answered.add(answer.data!.pid);
        } catch (error) {
          failures.push(String(error));
        }
      }
    };
    const callers = Array.from({ length: 4 }, caller);

    for (let n = 1; n <= RELOADS; n++) await save(n);
    load = false;
    await Promise.all(callers);

    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(RELOADS);
    expect(answered).toEqual(new Set(pids));
    // Compiled by process 1 only: once at start, once per save; process 2 reloaded as often.
    await expect.poll(() => events(logOf(''), 'compiled')).toBe(RELOADS + 1);
    expect(await events(logOf('.p2'), 'compiled')).toBe(0);
    // Both counts are read together each time: process 1 writes its last reload line after its
    // compile line, so one early read of it could be a line short.
    const reloads = async () => {
      const [first, second] = await Promise.all([
        events(logOf(''), 'reload'),
        events(logOf('.p2'), 'reload'),
      ]);
      return { first, second };
    };
    await expect.poll(reloads).toSatisfy(({ first, second }) => first === second && first >= RELOADS);
  }, 120_000);

  it('process 1 killed with kill -9: its replacement compiles and watches in its place', async () => {
    const compiles = await events(logOf(''), 'compiled');
    process.kill(pids[0]!, 'SIGKILL');
    await expect.poll(() => run.stderr()).toMatch(/process 1 \(pid \d+\) serves again/);
    await save(RELOADS + 1);
    // its own start, and the save
    await expect.poll(() => events(logOf(''), 'compiled')).toBe(compiles + 2);
    expect(await events(logOf('.p2'), 'compiled')).toBe(0);
  });
});

/** The day in a log file's name (local time). */
function today(): string {
  const now = new Date();
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
