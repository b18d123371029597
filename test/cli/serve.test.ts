import { writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, runCli, serverUrl, type CliRun } from '../helpers/cli.js';
import { BUSINESS, makeWorkspace } from '../helpers/server.js';

const SLOW = `import { apiFunction } from 'api-deploy';
export const wait = apiFunction(async (ms: number) => {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return { waited: ms };
});
`;

const runs: CliRun[] = [];
const start = (args: string[], env: Record<string, string> = {}) => {
  const run = runCli(args, env);
  runs.push(run);
  return run;
};
afterEach(() => {
  for (const run of runs.splice(0)) if (run.child.exitCode === null) run.child.kill('SIGKILL');
});

describe('npm run serve', () => {
  it('prints its URL, serves, and on SIGTERM lets a request in flight finish, then exits 0', async () => {
    const dir = await makeWorkspace({ 'apis/slow.ts': SLOW });
    const run = start(['--config', path.join(dir, 'api-deploy.config.json')]);
    const url = await serverUrl(run);
    const inFlight = fetch(`${url}/slow/wait`, {
      method: 'POST',
      body: JSON.stringify({ token: BUSINESS, body: { ms: 700 } }),
    });
    // Wait until the request is being handled before asking the server to stop.
    await new Promise((resolve) => setTimeout(resolve, 200));
    run.child.kill('SIGTERM');
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ success: true, data: { waited: 700 }, endpoint: '/slow/wait' });
    expect(await run.exited).toBe(0);
    // and it no longer listens
    await expect(fetch(url)).rejects.toThrow();
  });

  it('stops on SIGINT with exit code 0', async () => {
    const dir = await makeWorkspace({});
    const run = start(['--config', path.join(dir, 'api-deploy.config.json')]);
    const url = await serverUrl(run);
    // where the control panel is, on the line after the server's URL
    await expect.poll(() => run.stdout()).toContain(`at ${url}\nControl panel: ${url}/panel/\n`);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
  });

  it('takes --port, --host and --apis over the file, and API_DEPLOY_* variables', async () => {
    const dir = await makeWorkspace({ 'other/slow.ts': SLOW });
    const port = await freePort();
    const run = start([
      '--config',
      path.join(dir, 'api-deploy.config.json'),
      '--port',
      String(port),
      '--apis',
      path.join(dir, 'other'),
    ]);
    const url = await serverUrl(run);
    expect(url).toBe(`http://127.0.0.1:${port}`);
    const status = (await (await fetch(url)).json()) as { endpoints: { path: string }[] };
    expect(status.endpoints.map((endpoint: { path: string }) => endpoint.path)).toEqual(['/slow/wait']);

    const byEnv = start([], {
      API_DEPLOY_CONFIG: path.join(dir, 'api-deploy.config.json'),
      API_DEPLOY_PORT: '0',
      API_DEPLOY_HOST: 'localhost',
    });
    expect(await serverUrl(byEnv)).toMatch(/^http:\/\/(127\.0\.0\.1|\[::1\]):\d+$/);
  });

  it('refuses a port in use with one clear line and a non-zero exit', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const dir = await makeWorkspace({});
      const run = start(['--config', path.join(dir, 'api-deploy.config.json'), '--port', String(port)]);
      expect(await run.exited).toBe(1);
      expect(run.stderr().trim()).toBe(
        `api-deploy: port ${port} on 127.0.0.1 is already in use; stop the program using it, or choose another port with --port or "port" in the config`,
      );
    } finally {
      blocker.close();
    }
  });
});

describe('config errors stop start-up with one line naming the key', () => {
  const cases: [string, unknown, RegExp][] = [
    ['an unknown key', { hotreload: true }, /"hotreload": unknown key \(did you mean "hotReload"\?\)/],
    ['a seed-style key', { HOT_RELOAD: true }, /"HOT_RELOAD": unknown key \(did you mean "hotReload"\?\)/],
    ['an unknown logging key', { logging: { logLevel: 'x' } }, /"logging\.logLevel": unknown key/],
    ['a wrongly typed value', { port: 'eighty' }, /"port": expected number, received string/],
    ['a port out of range', { port: 70000 }, /"port": .*65535/],
    ['a bad token entry', { validTokens: [{ value: 'x' }] }, /"validTokens\.0": expected a token string or/],
    ['a bad rotation', { logging: { logRotation: 'weekly' } }, /"logging\.logRotation": expected a period/],
    [
      'a bad retention',
      { logging: { logRetention: 'forever' } },
      /"logging\.logRetention": expected a duration/,
    ],
  ];

  it.each(cases)('%s', async (_name, config, message) => {
    const dir = await makeWorkspace({});
    const file = path.join(dir, 'api-deploy.config.json');
    await writeFile(file, JSON.stringify(config));
    const run = start(['--config', file]);
    expect(await run.exited).toBe(1);
    const lines = run.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^api-deploy: config error: /);
    expect(lines[0]).toMatch(message);
  });

  it('invalid JSON, with line and column', async () => {
    const dir = await makeWorkspace({});
    const file = path.join(dir, 'api-deploy.config.json');
    await writeFile(file, '{\n  "port": 8000,\n  oops\n}');
    const run = start(['--config', file]);
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toMatch(/api-deploy\.config\.json:3:\d+: invalid JSON/);
  });

  it('a missing --config file', async () => {
    const run = start(['--config', '/nonexistent/api-deploy.config.json']);
    expect(await run.exited).toBe(1);
    expect(run.stderr().trim()).toBe(
      'api-deploy: config error: config file not found: /nonexistent/api-deploy.config.json',
    );
  });

  it('a bad --port flag', async () => {
    const dir = await makeWorkspace({});
    const run = start(['--config', path.join(dir, 'api-deploy.config.json'), '--port', 'abc']);
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toMatch(/"port": expected a whole number from 0 to 65535, got "abc"/);
  });

  it('an unknown flag', async () => {
    const run = start(['--prot', '8000']);
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toMatch(/Unknown option '--prot'/);
  });
});
