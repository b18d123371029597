// `npm run serve` under a daemon manager: a signal to npm's PID stops the server too.
import { spawn } from 'node:child_process';
import { readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeWorkspace } from '../helpers/server.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The processes whose parent is `pid` (Linux's /proc). */
async function childrenOf(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return text.split(/\s+/).filter(Boolean).map(Number);
}

/** Server processes a failed run left behind, ended after the test. */
const leftover: number[] = [];
afterAll(() => {
  for (const pid of leftover) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

describe.skipIf(process.platform !== 'linux')('npm run serve under a daemon manager', () => {
  it("stops the server when npm's own PID gets SIGTERM: npm's child is the server itself", async () => {
    // A package with this one's "serve" script, verbatim, over the built out/; its build step is
    // stood in for (the suite has built out/ already).
    const dir = await makeWorkspace({});
    const { scripts } = JSON.parse(await readFile('package.json', 'utf8')) as {
      scripts: Record<string, string>;
    };
    const pkg = {
      name: 'serve-signal',
      private: true,
      type: 'module',
      scripts: { build: 'node -e ""', serve: scripts.serve },
    };
    await writeFile(path.join(dir, 'package.json'), JSON.stringify(pkg));
    await symlink(path.resolve('out'), path.join(dir, 'out'));

    const npm = spawn('npm', ['run', 'serve', '--', '--config', 'api-deploy.config.json', '--quiet'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    npm.stdout.on('data', (chunk: Buffer) => (output += chunk));
    npm.stderr.on('data', (chunk: Buffer) => (output += chunk));
    const npmExited = new Promise((resolve) => npm.once('exit', resolve));
    await expect.poll(() => output, { timeout: 20_000 }).toMatch(/serving \d+ endpoint\(s\) at http/);
    const url = /at (http:\/\/\S+)/.exec(output)![1]!;

    const [server, ...others] = await childrenOf(npm.pid!);
    // Whatever this run started is ended after it, should the test fail.
    for (const pid of [server!, ...others]) leftover.push(pid, ...(await childrenOf(pid)));
    expect(others).toEqual([]);
    expect((await readFile(`/proc/${server}/cmdline`, 'utf8')).split('\0')).toContain('out/server/cli.js');

    npm.kill('SIGTERM');
    await npmExited;
    await expect.poll(() => alive(server!), { timeout: 15_000 }).toBe(false);
    await expect(fetch(url)).rejects.toThrow();
  }, 60_000);
});
