// What a cluster's processes share through the primary: a change made through one process's
// admin API (tokens, reloads) applies in all of them, and failed attempts are counted together.
import http from 'node:http';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterPids, runCli, serverUrl, type CliRun } from '../helpers/cli.js';
import { ADMIN, BUSINESS, makeWorkspace } from '../helpers/server.js';
import { openSse } from '../helpers/sse.js';

const WHO = `import { apiFunction } from 'api-deploy';
export const pid = apiFunction(() => ({ pid: process.pid }));
export const tally = apiFunction(() => ({ pid: process.pid }));
`;
const ADMIN_AUTH = { authorization: `Bearer ${ADMIN}` };

/** A request on a connection of its own: the primary hands each new connection to the next process. */
function request(
  url: string,
  method: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string; json: { data?: Record<string, unknown>; code?: string } }> {
  return new Promise((resolve, reject) => {
    const sent = http.request(
      url,
      { method, agent: false, headers: { 'content-type': 'application/json', ...headers } },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode!, text, json: text.startsWith('{') ? JSON.parse(text) : {} }),
        );
      },
    );
    sent.on('error', reject);
    sent.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** A cluster of 2 processes over a new workspace, stopped after the file's tests. */
function cluster(config: Record<string, unknown>) {
  const started = { run: undefined as unknown as CliRun, url: '', dir: '', pids: [] as number[] };
  beforeAll(async () => {
    started.dir = await makeWorkspace({ 'apis/who.ts': WHO }, { workers: 1, maxWorkers: 2, ...config });
    started.run = runCli(['serve', started.dir, '--processes', '2']);
    started.url = await serverUrl(started.run);
    started.pids = await clusterPids(started.run);
  });
  afterAll(async () => {
    started.run.child.kill('SIGTERM');
    await started.run.exited;
  });
  /** Calls /who/pid with `token` on 6 new connections, so both processes answer 3 each. */
  const everywhere = (token: string) =>
    Promise.all(
      Array.from({ length: 6 }, () => request(`${started.url}/who/pid`, 'POST', { token, body: {} })),
    );
  return { started, everywhere };
}

describe('a change made through one process of a cluster applies in both', () => {
  // Tries of the revoked token are failed attempts: a limit they cannot reach here.
  const { started, everywhere } = cluster({ maxFailedAuthPerMinute: 100 });

  it('a token made through one process works on both; revoked, it is refused on both', async () => {
    const { url, pids } = started;
    const before = await everywhere(BUSINESS);
    expect(new Set(before.map((answer) => answer.json.data?.pid))).toEqual(new Set(pids));

    const made = await request(
      `${url}/api/tokens`,
      'POST',
      { label: 'made on one', role: 'business' },
      ADMIN_AUTH,
    );
    expect(made.status).toBe(200);
    const { id, token } = made.json.data as { id: string; token: string };
    await expect
      .poll(async () => (await everywhere(token)).map((answer) => answer.status))
      .toEqual([200, 200, 200, 200, 200, 200]);

    expect((await request(`${url}/api/tokens/${id}`, 'DELETE', undefined, ADMIN_AUTH)).status).toBe(200);
    await expect
      .poll(async () => (await everywhere(token)).map((answer) => answer.json.code))
      .toEqual(Array(6).fill('INVALID_TOKEN'));
  });

  it("a token made through one process refreshes the panel's token list on both (tokensChanged)", async () => {
    const { url } = started;
    // Streams on new connections: the primary hands them to both processes.
    const streams = [];
    for (let index = 0; index < 4; index++) streams.push(await openSse(`${url}/api/events`, ADMIN_AUTH));
    try {
      const made = await request(`${url}/api/tokens`, 'POST', { label: 'seen by all' }, ADMIN_AUTH);
      expect(made.status).toBe(200);
      await Promise.all(
        streams.map((stream) => stream.next((event) => event.event === 'tokensChanged', 5000)),
      );
    } finally {
      for (const stream of streams) stream.close();
    }
  });

  it('tokens made at once through both processes are all kept: the config file is edited under its lock', async () => {
    const { url, dir } = started;
    const made = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        request(`${url}/api/tokens`, 'POST', { label: `at once ${index}`, role: 'business' }, ADMIN_AUTH),
      ),
    );
    expect(made.map((answer) => answer.status)).toEqual(Array(10).fill(200));
    const file = JSON.parse(await readFile(path.join(dir, 'api-deploy.config.json'), 'utf8')) as {
      validTokens: (string | { label?: string })[];
    };
    const labels = file.validTokens.flatMap((entry) => (typeof entry === 'string' ? [] : [entry.label]));
    expect(labels.filter((label) => label?.startsWith('at once')).sort()).toEqual(
      Array.from({ length: 10 }, (_, index) => `at once ${index}`).sort(),
    );
    for (const { json } of made) {
      const token = (json.data as { token: string }).token;
      await expect
        .poll(async () => (await everywhere(token)).map((answer) => answer.status))
        .toEqual(Array(6).fill(200));
    }
  });

  it('POST /api/reload through one process reloads both', async () => {
    const { url, dir } = started;
    await writeFile(
      path.join(dir, 'apis', 'added.ts'),
      `import { apiFunction } from 'api-deploy';\nexport const hello = apiFunction(() => 'hi');\n`,
    );
    expect((await request(`${url}/api/reload`, 'POST', {}, ADMIN_AUTH)).status).toBe(200);
    await expect
      .poll(async () => {
        const answers = await Promise.all(
          Array.from({ length: 6 }, () =>
            request(`${url}/added/hello`, 'POST', { token: BUSINESS, body: {} }),
          ),
        );
        return answers.map((answer) => answer.status);
      })
      .toEqual([200, 200, 200, 200, 200, 200]);
  });
});

describe("a cluster's admin API shows the whole cluster", () => {
  const { started } = cluster({});

  it('/api/status lists every process; /api/metrics and /metrics sum their calls', async () => {
    const { url, pids } = started;
    await expect
      .poll(async () => {
        const { json } = await request(`${url}/api/status`, 'GET', undefined, ADMIN_AUTH);
        const { processes } = (json.data as { cluster: { processes: Record<string, unknown>[] } }).cluster;
        return processes.map(({ number, pid, lifecycle, generation }) => ({
          number,
          pid,
          lifecycle,
          generation,
        }));
      })
      .toEqual([
        { number: 1, pid: pids[0], lifecycle: 'serving', generation: 1 },
        { number: 2, pid: pids[1], lifecycle: 'serving', generation: 1 },
      ]);
    const { json } = await request(`${url}/api/status`, 'GET', undefined, ADMIN_AUTH);
    const answering = (json.data as { cluster: { processes: { answering: boolean }[] } }).cluster.processes;
    expect(answering.filter((each) => each.answering)).toHaveLength(1);

    // 6 calls on new connections: 3 answered by each process
    const calls = await Promise.all(
      Array.from({ length: 6 }, () => request(`${url}/who/tally`, 'POST', { token: BUSINESS, body: {} })),
    );
    expect(new Set(calls.map((call) => call.json.data?.pid))).toEqual(new Set(pids));
    await expect
      .poll(async () => {
        const { json } = await request(`${url}/api/metrics`, 'GET', undefined, ADMIN_AUTH);
        const endpoints = (json.data as { endpoints: { endpoint: string; count: number }[] }).endpoints;
        return endpoints.find((each) => each.endpoint === '/who/tally')?.count;
      })
      .toBe(6);
    // Prometheus's /metrics: the whole cluster's, whichever process the scrape reaches.
    const scrapes = await Promise.all(
      [1, 2].map(() => request(`${url}/metrics`, 'GET', undefined, ADMIN_AUTH)),
    );
    for (const scrape of scrapes) {
      expect(scrape.status).toBe(200);
      expect(scrape.text).toContain('api_deploy_requests_total{endpoint="/who/tally",status="200"} 6');
      expect(scrape.text).toMatch(/^api_deploy_generation 1$/m);
    }
  });
});

describe("a cluster's failed attempts", () => {
  const { started, everywhere } = cluster({ maxFailedAuthPerMinute: 3 });

  it('are counted together: the limit is for the whole cluster, the lock on both', async () => {
    const { url } = started;
    // 3 wrong tokens, spread over both processes: each process alone would have seen 1 or 2.
    for (let attempt = 0; attempt < 3; attempt++) {
      expect((await request(`${url}/who/pid`, 'POST', { token: 'wrong', body: {} })).status).toBe(401);
    }
    // The third reached the limit: the lock crosses the primary to the other process meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Not polled: a process counting alone would answer its next wrong token 401.
    expect((await everywhere('wrong')).map((answer) => answer.json.code)).toEqual(
      Array(6).fill('TOO_MANY_ATTEMPTS'),
    );
  });
});
