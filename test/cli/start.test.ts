import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildOutputs, buildReason } from '../../scripts/build-state.mjs';
import { electronPackageDir, findElectronBinary, noDisplay } from '../../scripts/electron-binary.mjs';
import { serverUrl, type CliRun } from '../helpers/cli.js';
import { makeWorkspace } from '../helpers/server.js';

const START = path.resolve('scripts/start.mjs');
const NOTICE =
  /^api-deploy: Electron's binary is not installed \(.+\): starting the headless server instead, with its control panel$/;

const tempDir = () => mkdtemp(path.join(tmpdir(), 'api-deploy-start-'));

const runs: CliRun[] = [];
afterEach(async () => {
  for (const run of runs.splice(0)) {
    if (run.child.exitCode !== null || run.child.signalCode !== null) continue;
    // SIGTERM lets start.mjs stop its server (in its own process group) before going.
    run.child.kill('SIGTERM');
    const gone = await Promise.race([run.exited, new Promise((r) => setTimeout(r, 5000, 'late'))]);
    if (gone === 'late') run.child.kill('SIGKILL');
  }
});

/**
 * `node scripts/start.mjs -- args` on this project, without its build (the global setup built
 * out/). The Electron binary is missing here; should it be installed, an empty
 * ELECTRON_OVERRIDE_DIST_PATH makes it missing for the test.
 */
async function start(args: string[], { group = false } = {}): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, API_DEPLOY_SKIP_BUILD: '1' };
  if (findElectronBinary().found) env.ELECTRON_OVERRIDE_DIST_PATH = await tempDir();
  const child = spawn(process.execPath, [START, '--', ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: group,
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const run = { child, stdout: () => stdout, stderr: () => stderr, exited };
  runs.push(run);
  return run;
}

describe('npm start without the Electron binary', () => {
  it('says so in one line, serves the control panel, and stops on SIGTERM with exit code 0', async () => {
    const dir = await makeWorkspace({});
    const run = await start(['--port', '0', '--config', path.join(dir, 'api-deploy.config.json')]);
    const url = await serverUrl(run);

    expect(run.stderr().trimEnd().split('\n')).toEqual([expect.stringMatching(NOTICE)]);
    expect(run.stdout()).toContain(
      `serving 0 endpoint(s) at ${url}\nControl panel: ${url}/panel/\nModules: ${path.join(dir, 'apis')}`,
    );
    const panel = await fetch(`${url}/panel/`);
    expect(panel.status).toBe(200);
    expect(await panel.text()).toContain('<div id="root">');

    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toContain('SIGTERM: finishing requests in flight');
    await expect(fetch(url)).rejects.toThrow();
  });

  it.skipIf(process.platform === 'win32')(
    "stops gracefully on a terminal's Ctrl+C: the server gets one SIGINT, not two",
    async () => {
      const dir = await makeWorkspace({});
      // As in a terminal: start.mjs leads a process group, and Ctrl+C signals the whole group.
      const run = await start(['--config', path.join(dir, 'api-deploy.config.json'), '--quiet'], {
        group: true,
      });
      const url = await serverUrl(run);
      process.kill(-run.child.pid!, 'SIGINT');
      expect(await run.exited).toBe(0);
      expect(run.stdout().match(/SIGINT/g)).toHaveLength(2); // "SIGINT: ... (SIGINT again to force)"
      expect(run.stderr()).not.toMatch(/again, exiting without waiting/);
      await expect(fetch(url)).rejects.toThrow();
    },
  );

  it("exits with the server's code when it cannot start", async () => {
    const run = await start(['--config', '/nonexistent/api-deploy.config.json']);
    expect(await run.exited).toBe(1);
    expect(run.stderr().trimEnd().split('\n')).toEqual([
      expect.stringMatching(NOTICE),
      'api-deploy: config error: config file not found: /nonexistent/api-deploy.config.json',
    ]);
  });
});

describe('finding the Electron binary without require("electron")', () => {
  /** A fake node_modules/electron: path.txt and dist/<path> as its postinstall leaves them. */
  async function fakeElectron({ pathTxt, binary }: { pathTxt?: string; binary?: string }) {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'package.json'), '{"name":"electron","version":"45.0.0"}');
    if (pathTxt !== undefined) await writeFile(path.join(dir, 'path.txt'), pathTxt);
    if (binary !== undefined) {
      await mkdir(path.dirname(path.join(dir, 'dist', binary)), { recursive: true });
      await writeFile(path.join(dir, 'dist', binary), '');
    }
    return dir;
  }
  const noEnv = {};

  it("resolves this project's electron package", () => {
    expect(electronPackageDir()).toBe(path.resolve('node_modules/electron'));
  });

  it('is missing without the electron package', () => {
    expect(findElectronBinary({ electronDir: null, env: noEnv })).toEqual({
      found: false,
      reason: 'the electron package is not in node_modules',
    });
  });

  it('is missing without path.txt: the binary was never downloaded', async () => {
    const result = findElectronBinary({ electronDir: await fakeElectron({}), env: noEnv });
    expect(result).toEqual({
      found: false,
      reason: expect.stringMatching(/path\.txt; `npx install-electron` downloads it/),
    });
  });

  it('is missing when path.txt names a binary that dist/ does not have', async () => {
    const electronDir = await fakeElectron({ pathTxt: 'electron' });
    const result = findElectronBinary({ electronDir, env: noEnv });
    expect(result).toEqual({ found: false, reason: expect.stringContaining(path.join('dist', 'electron')) });
  });

  it('is found when path.txt and the binary are both there', async () => {
    const electronDir = await fakeElectron({ pathTxt: 'electron\n', binary: 'electron' });
    expect(findElectronBinary({ electronDir, env: noEnv })).toEqual({
      found: true,
      path: path.join(electronDir, 'dist', 'electron'),
    });
    const mac = await fakeElectron({
      pathTxt: 'Electron.app/Contents/MacOS/Electron',
      binary: 'Electron.app/Contents/MacOS/Electron',
    });
    expect(findElectronBinary({ electronDir: mac, env: noEnv })).toEqual({
      found: true,
      path: path.join(mac, 'dist', 'Electron.app/Contents/MacOS/Electron'),
    });
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH as electron/index.js does', async () => {
    const override = await tempDir();
    const env = { ELECTRON_OVERRIDE_DIST_PATH: override };
    // no path.txt: the override's "electron"
    const bare = await fakeElectron({});
    expect(findElectronBinary({ electronDir: bare, env })).toEqual({
      found: false,
      reason: `no ${path.join(override, 'electron')} (ELECTRON_OVERRIDE_DIST_PATH)`,
    });
    await writeFile(path.join(override, 'electron'), '');
    expect(findElectronBinary({ electronDir: bare, env })).toEqual({
      found: true,
      path: path.join(override, 'electron'),
    });
    // the override replaces dist/, even where dist/ has the binary
    const full = await fakeElectron({ pathTxt: 'electron.exe', binary: 'electron.exe' });
    expect(findElectronBinary({ electronDir: full, env })).toMatchObject({ found: false });
  });

  it('knows a Linux machine without a display cannot open a window', () => {
    expect(noDisplay('linux', {})).toMatch(/no display/);
    expect(noDisplay('linux', { DISPLAY: ':0' })).toBeUndefined();
    expect(noDisplay('linux', { WAYLAND_DISPLAY: 'wayland-0' })).toBeUndefined();
    expect(noDisplay('darwin', {})).toBeUndefined();
    expect(noDisplay('win32', {})).toBeUndefined();
  });
});

describe('building only when out/ is older than its sources', () => {
  const past = new Date('2026-01-01T00:00:00Z');
  const later = new Date('2026-01-02T00:00:00Z');

  async function fakeProject(files: string[]) {
    const root = await tempDir();
    for (const file of files) {
      await mkdir(path.dirname(path.join(root, file)), { recursive: true });
      await writeFile(path.join(root, file), '');
    }
    return root;
  }
  const touch = (root: string, files: string[], time: Date) =>
    Promise.all(files.map((file) => utimes(path.join(root, file), time, time)));
  const sources = ['src/server/index.ts', 'src/renderer/App.tsx', 'package.json', 'electron.vite.config.ts'];

  it('builds when an output is missing', async () => {
    const root = await fakeProject(sources);
    expect(buildReason(root)).toBe('out/server/cli.js is missing');
  });

  it('skips the build when every output is newer than every source, and builds after an edit', async () => {
    const root = await fakeProject([...sources, ...buildOutputs('/nowhere')]);
    await touch(root, [...sources, 'src/server', 'src/renderer', 'src'], past);
    await touch(root, buildOutputs(root), later);
    expect(buildReason(root)).toBeUndefined();

    await touch(root, ['src/renderer/App.tsx'], new Date());
    expect(buildReason(root)).toBe('src/renderer/App.tsx changed since the last build');
  });

  it('builds when a source file is added or removed (its folder changes)', async () => {
    const root = await fakeProject([...sources, ...buildOutputs('/nowhere')]);
    await touch(root, [...sources, 'src/server', 'src/renderer'], past);
    await touch(root, buildOutputs(root), later);
    expect(buildReason(root)).toBe('src changed since the last build');
  });

  it('wants the main process and preload once their entries exist', async () => {
    const root = await fakeProject(['src/main/index.ts', 'src/preload/index.ts']);
    expect(buildOutputs(root)).toEqual(
      expect.arrayContaining(['out/main/index.js', 'out/preload/index.cjs']),
    );
    expect(buildOutputs(await fakeProject([]))).not.toContain('out/main/index.js');
  });
});
