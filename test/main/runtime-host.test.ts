import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { freePort } from '../helpers/cli.js';
import { ADMIN, makeWorkspace } from '../helpers/server.js';

vi.mock('electron', async () => (await import('./fake-electron.js')).electron);

const { parseCommandLine, RuntimeHost } = await import('../../src/main/runtime-host.js');
const { workspaceAt } = await import('../../src/main/workspace.js');
const { localUrl, unpacked } = await import('../../src/main/desktop.js');
const { unpackedEsbuildBinary } = await import('../../src/main/esbuild-binary.js');

const OUT = path.resolve('out');
const SESSION = { token: 'a-session-token-for-the-runtime-host-tests', label: 'desktop app' };
const faults = () => ({ portInUse: vi.fn(), cannotStart: vi.fn(async () => 'quit' as const) });

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('the runtime host', () => {
  it('runs the runtime of `npm run serve` on the workspace, with the session token; one stop for many asks', async () => {
    dir = await makeWorkspace({
      'apis/greet.ts':
        "import { apiFunction } from 'api-deploy';\nexport const hi = apiFunction(() => 'hi');\n",
    });
    const host = new RuntimeHost({ outDir: OUT, sessionToken: SESSION, faults: faults(), env: {} });
    const runtime = (await host.start(workspaceAt(dir)))!;
    expect(runtime.config.configPath).toBe(path.join(dir, 'api-deploy.config.json'));
    await expect(host.start(workspaceAt(dir))).rejects.toThrow('already running');
    for (const token of [SESSION.token, ADMIN]) {
      const answer = await fetch(`${runtime.url}/api/status`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(answer.status).toBe(200);
    }
    expect((await fetch(`${runtime.url}/panel/`)).status).toBe(200); // out/renderer
    const stop = vi.spyOn(runtime, 'stop');
    await Promise.all([host.stop(), host.stop()]);
    await host.stop();
    expect(stop).toHaveBeenCalledOnce();
    expect(host.runtime).toBeUndefined();
  });

  it('takes --port and API_DEPLOY_* over the file, as `npm run serve` does', async () => {
    dir = await makeWorkspace({});
    const port = await freePort();
    const host = new RuntimeHost({
      outDir: OUT,
      sessionToken: SESSION,
      faults: faults(),
      flags: parseCommandLine(['--port', String(port)]).flags,
      env: { API_DEPLOY_PORT: '1' },
    });
    try {
      const runtime = await host.start(workspaceAt(dir));
      expect(runtime!.url).toBe(`http://127.0.0.1:${port}`);
    } finally {
      await host.stop();
    }
  });

  it('a missing worker script is a start failure that says what to build', async () => {
    dir = await makeWorkspace({});
    const cannotStart = vi.fn(async () => 'quit' as const);
    const host = new RuntimeHost({
      outDir: OUT,
      workerFile: path.join(dir, 'no-worker.js'),
      sessionToken: SESSION,
      faults: { portInUse: vi.fn(), cannotStart },
      env: {},
    });
    expect(await host.start(workspaceAt(dir))).toBeUndefined();
    expect(cannotStart).toHaveBeenCalledWith(
      expect.objectContaining({ message: expect.stringContaining('npm run build:server') }),
    );
  });
});

describe('the command line', () => {
  it("reads serve's options and leaves Chromium's switches alone", () => {
    expect(
      parseCommandLine([
        '.',
        '--no-sandbox',
        '--port',
        '9000',
        '--host=0.0.0.0',
        '--apis',
        'my-apis',
        '--config',
        'c.json',
      ]),
    ).toEqual({ config: 'c.json', flags: { host: '0.0.0.0', port: '9000', apisDir: 'my-apis' } });
    expect(parseCommandLine([])).toEqual({
      config: undefined,
      flags: { host: undefined, port: undefined, apisDir: undefined },
    });
    expect(parseCommandLine(['--port']).flags.port).toBeUndefined();
  });
});

describe('the URL the window uses', () => {
  it('is the loopback address when the runtime listens on every interface', () => {
    expect(localUrl('http://0.0.0.0:8000')).toBe('http://127.0.0.1:8000');
    expect(localUrl('http://[::]:8000')).toBe('http://[::1]:8000');
    expect(localUrl('http://127.0.0.1:8000')).toBe('http://127.0.0.1:8000');
    expect(localUrl('http://192.168.1.20:8000')).toBe('http://192.168.1.20:8000');
  });
});

describe('files outside the asar archive', () => {
  it('the worker and esbuild are taken from app.asar.unpacked when there', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'api-deploy-resources-'));
    const packed = path.join(dir, 'app.asar', 'out', 'server', 'worker.js');
    expect(unpacked(packed)).toBe(packed);
    const worker = path.join(dir, 'app.asar.unpacked', 'out', 'server', 'worker.js');
    await mkdir(path.dirname(worker), { recursive: true });
    await writeFile(worker, '');
    expect(unpacked(packed)).toBe(worker);

    expect(unpackedEsbuildBinary(dir, 'linux', 'x64')).toBeUndefined();
    const binary = path.join(
      dir,
      'app.asar.unpacked',
      'node_modules',
      '@esbuild',
      'linux-x64',
      'bin',
      'esbuild',
    );
    await mkdir(path.dirname(binary), { recursive: true });
    await writeFile(binary, '');
    expect(unpackedEsbuildBinary(dir, 'linux', 'x64')).toBe(binary);
  });
});
