// Cluster mode on one box, run as a user would: `api-deploy serve --processes 2`, real processes.
import { readdir } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { clusterPids, runCli, serverUrl, type CliRun } from '../helpers/cli.js';
import { BUSINESS, makeWorkspace } from '../helpers/server.js';

/** Which process answered, and a wait to keep a request in flight. */
const WHO = `import { apiFunction } from 'api-deploy';
export const pid = apiFunction(async (ms: number = 0) => {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return { pid: process.pid };
});
`;

const runs: CliRun[] = [];
const members = new Set<number>();
afterEach(() => {
  for (const run of runs.splice(0)) if (run.child.exitCode === null) run.child.kill('SIGKILL');
  for (const pid of members) if (alive(pid)) process.kill(pid, 'SIGKILL');
  members.clear();
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function startCluster(processes = 2, config: Record<string, unknown> = {}) {
  const dir = await makeWorkspace({ 'apis/who.ts': WHO }, { workers: 1, maxWorkers: 2, ...config });
  const run = runCli(['serve', dir, '--processes', String(processes)]);
  runs.push(run);
  const url = await serverUrl(run);
  const pids = await clusterPids(run);
  for (const pid of pids) members.add(pid);
  return { dir, run, url, pids };
}

/** A call on a connection of its own: the primary hands each new connection to the next process. */
function callWho(url: string, ms = 0): Promise<{ status: number; pid?: number }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${url}/who/pid`,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk));
        response.on('end', () => {
          const answer = JSON.parse(text) as { data?: { pid: number } };
          resolve({ status: response.statusCode!, pid: answer.data?.pid });
        });
      },
    );
    request.on('error', reject);
    request.end(JSON.stringify({ token: BUSINESS, body: { ms } }));
  });
}

describe('api-deploy serve --processes 2', () => {
  it('runs two processes on one port, both answering, each with its own log file; the banner once', async () => {
    const { dir, run, url, pids } = await startCluster();
    expect(pids).toHaveLength(2);
    expect(pids).not.toContain(run.child.pid);
    const answers = await Promise.all(Array.from({ length: 6 }, () => callWho(url)));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(new Set(answers.map((answer) => answer.pid))).toEqual(new Set(pids));
    expect(run.stdout().match(/serving \d+ endpoint\(s\)/g)).toHaveLength(1);
    // process 1 writes the configured file, process 2 its own beside it
    await expect
      .poll(async () => (await readdir(path.join(dir, 'logs'))).sort())
      .toEqual([expect.stringMatching(/^api_[\d-]+\.log$/), expect.stringMatching(/^api_[\d-]+\.p2\.log$/)]);
  });

  it('replaces a process killed with kill -9; the other serves meanwhile', async () => {
    const { run, url, pids } = await startCluster();
    const [killed, kept] = pids as [number, number];
    process.kill(killed, 'SIGKILL');
    await expect
      .poll(() => run.stderr())
      .toContain(`(pid ${killed}) was ended by SIGKILL; another starts now`);
    const meanwhile = await Promise.all(Array.from({ length: 4 }, () => callWho(url)));
    expect(meanwhile.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    await expect.poll(() => run.stderr()).toMatch(/process \d \(pid \d+\) serves again/);
    const replacement = Number(/\(pid (\d+)\) serves again/.exec(run.stderr())![1]);
    members.add(replacement);
    expect([killed, kept]).not.toContain(replacement);
    const after = await Promise.all(Array.from({ length: 6 }, () => callWho(url)));
    expect(after.every((answer) => answer.status === 200)).toBe(true);
    expect(new Set(after.map((answer) => answer.pid))).toEqual(new Set([kept, replacement]));
  });

  it('backs off when the replacements keep ending soon after they start (a crash loop does not spin)', async () => {
    const { run, pids } = await startCluster();
    process.kill(pids[1]!, 'SIGKILL');
    await expect
      .poll(() => run.stderr())
      .toContain(`process 2 (pid ${pids[1]}) was ended by SIGKILL; another starts now`);
    await expect.poll(() => run.stderr()).toMatch(/process 2 \(pid \d+\) serves again/);
    const replacement = Number(/process 2 \(pid (\d+)\) serves again/.exec(run.stderr())![1]);
    members.add(replacement);
    process.kill(replacement, 'SIGKILL');
    await expect
      .poll(() => run.stderr())
      .toContain(`process 2 (pid ${replacement}) was ended by SIGKILL; another starts in 0.5 s`);
  });

  it('on SIGTERM every process finishes its requests in flight, then all exit (no orphan), code 0', async () => {
    const { run, url, pids } = await startCluster();
    const inFlight = Array.from({ length: 4 }, () => callWho(url, 700));
    // Wait until the requests are being handled before asking the cluster to stop.
    await new Promise((resolve) => setTimeout(resolve, 300));
    run.child.kill('SIGTERM');
    const answers = await Promise.all(inFlight);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    expect(new Set(answers.map((answer) => answer.pid))).toEqual(new Set(pids));
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toContain('SIGTERM: finishing requests in flight in every process');
    expect(pids.filter(alive)).toEqual([]);
    await expect(fetch(url)).rejects.toThrow();
  });

  it('a process whose primary is killed stops too', async () => {
    const { run, pids } = await startCluster();
    run.child.kill('SIGKILL');
    await expect.poll(() => pids.filter(alive)).toEqual([]);
  });

  it('refuses a port in use with one clear line and a non-zero exit', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const dir = await makeWorkspace({ 'apis/who.ts': WHO }, { workers: 1, maxWorkers: 2, port });
      const run = runCli(['serve', dir, '--processes', '2']);
      runs.push(run);
      expect(await run.exited).toBe(1);
      expect(run.stderr().trimEnd().split('\n')).toEqual([
        `api-deploy: port ${port} on 127.0.0.1 is already in use; stop the program using it, or choose another port with --port or "port" in the config`,
      ]);
    } finally {
      blocker.close();
    }
  });
});
