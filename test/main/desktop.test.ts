import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BRIDGE_CHANNELS } from '../../src/shared/bridge.js';
import { ADMIN, makeWorkspace } from '../helpers/server.js';
import {
  app,
  dialog,
  FakeBrowserWindow,
  FakeTray,
  ipcMain,
  Menu,
  resetElectron,
  shell,
} from './fake-electron.js';

vi.mock('electron', async () => (await import('./fake-electron.js')).electron);

const { DesktopApp } = await import('../../src/main/desktop.js');

/**
 * The desktop app end to end, with Electron faked and everything else real: the runtime of
 * `npm run serve` on a workspace (development: the app's folder), the built preload, panel and
 * worker in out/ (test/global-setup.ts builds them).
 */
const OUT = path.resolve('out');
const SLOW = `import { apiFunction } from 'api-deploy';
export const wait = apiFunction(async (ms: number = 500) => {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return 'done';
});
`;

let dir: string;
let userData: string;
let desktop: InstanceType<typeof DesktopApp>;
const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };

beforeEach(async () => {
  resetElectron();
  vi.clearAllMocks();
  dir = await makeWorkspace({ 'apis/slow.ts': SLOW });
  userData = await mkdtemp(path.join(tmpdir(), 'api-deploy-user-data-'));
  Object.assign(app, { appPath: dir, paths: { userData, documents: path.join(userData, 'Documents') } });
  desktop = new DesktopApp({ outDir: OUT, log });
  expect(desktop.install()).toBe(true);
  await desktop.start();
});

afterEach(async () => {
  if (app.exited === undefined) app.quit();
  await vi.waitFor(() => expect(app.exited).toBeDefined(), { timeout: 15_000 });
  await rm(dir, { recursive: true, force: true });
  await rm(userData, { recursive: true, force: true });
});

const window = () => FakeBrowserWindow.instances.at(-1)!;
const session = () =>
  ipcMain.invoke(BRIDGE_CHANNELS.getSession, { sender: window().webContents }) as Promise<{
    runtimeUrl: string;
    adminToken: string;
  }>;

describe('the desktop app', () => {
  it('hosts the runtime on the workspace and shows its panel, from the runtime, in a sandboxed window', async () => {
    const url = desktop.runtime!.url!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    expect(window().loaded).toEqual([`${url}/panel/`]);
    expect(window().visible).toBe(true);
    expect(window().options.webPreferences).toMatchObject({
      preload: path.join(OUT, 'preload', 'index.cjs'),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
    });
    const panel = await fetch(`${url}/panel/`);
    expect(panel.status).toBe(200);
    expect(panel.headers.get('content-security-policy')).toContain("default-src 'self'");
    // The tray and the menu say where it serves and how many endpoints.
    expect(FakeTray.instances).toHaveLength(1);
    expect(FakeTray.instances[0]!.tooltip).toBe(`API Deploy: Serving at ${url}, 1 endpoint`);
    expect(Menu.setApplicationMenu).toHaveBeenCalled();
  });

  it('gives the window a session admin token that works, is listed, and is written nowhere', async () => {
    const { runtimeUrl, adminToken } = await session();
    expect(runtimeUrl).toBe(desktop.runtime!.url);
    expect(adminToken).toMatch(/^[\w-]{43}$/);
    const auth = { authorization: `Bearer ${adminToken}` };
    expect((await fetch(`${runtimeUrl}/api/status`, { headers: auth })).status).toBe(200);
    const tokens = (await (await fetch(`${runtimeUrl}/api/tokens`, { headers: auth })).json()) as {
      data: { tokens: { label: string; role: string; session?: boolean }[] };
    };
    expect(tokens.data.tokens).toContainEqual(
      expect.objectContaining({ label: 'desktop app', role: 'admin', session: true }),
    );
    expect(await readFile(path.join(dir, 'api-deploy.config.json'), 'utf8')).not.toContain(adminToken);
    const written = await readdir(userData, { recursive: true });
    for (const file of written.filter((name) => name.endsWith('.json'))) {
      expect(await readFile(path.join(userData, file), 'utf8')).not.toContain(adminToken);
    }
  });

  it('opens the workspace folders', async () => {
    await ipcMain.invoke(BRIDGE_CHANNELS.openFolder, { sender: window().webContents }, 'apis');
    await ipcMain.invoke(BRIDGE_CHANNELS.openFolder, { sender: window().webContents }, 'logs');
    await ipcMain.invoke(BRIDGE_CHANNELS.openFolder, { sender: window().webContents }, 'workspace');
    expect(shell.openPath.mock.calls.map(([folder]) => folder)).toEqual([
      path.join(dir, 'apis'),
      path.join(dir, 'logs'),
      dir,
    ]);
    shell.openPath.mockResolvedValueOnce('no application knows how to open it');
    await expect(
      ipcMain.invoke(BRIDGE_CHANNELS.openFolder, { sender: window().webContents }, 'apis'),
    ).rejects.toThrow('no application knows how to open it');
  });

  it('quits gracefully: the request in flight is answered, then the runtime stops, then the app exits', async () => {
    const url = desktop.runtime!.url!;
    const events: string[] = [];
    app.exit.mockImplementation((code = 0) => {
      events.push(`exit ${code}`);
      app.exited ??= code;
    });
    const call = fetch(`${url}/slow/wait`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
      body: JSON.stringify({ body: { ms: 600 } }),
    }).then(async (response) => {
      events.push(`answered ${response.status}`);
      return response.json() as Promise<{ data: unknown }>;
    });
    await new Promise((resolve) => setTimeout(resolve, 150)); // the call is running
    app.quit();
    app.quit(); // a second quit while stopping changes nothing
    expect(window().destroyed).toBe(true);
    expect((await call).data).toBe('done');
    await vi.waitFor(() => expect(app.exited).toBe(0));
    expect(events).toEqual(['answered 200', 'exit 0']);
    expect(app.exit).toHaveBeenCalledOnce();
    await expect(fetch(`${url}/`)).rejects.toThrow(); // nothing listens any more
    // The window's place was written on the way out.
    expect(JSON.parse(await readFile(path.join(userData, 'window-state.json'), 'utf8'))).toMatchObject({
      width: 1280,
      height: 820,
    });
  });

  it('switches workspace: a new one is created from the template and served, the window follows', async () => {
    const before = desktop.runtime!.url!;
    const next = path.join(userData, 'Other workspace');
    dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [next] });
    const choice = await ipcMain.invoke(BRIDGE_CHANNELS.chooseWorkspace, { sender: window().webContents });
    expect(choice).toEqual({ changed: true, workspace: next });
    const config = JSON.parse(await readFile(path.join(next, 'api-deploy.config.json'), 'utf8')) as {
      adminTokens: { token: string }[];
    };
    expect(config.adminTokens[0]!.token).not.toBe(ADMIN);
    const url = desktop.runtime!.url!;
    expect(window().loaded.at(-1)).toBe(`${url}/panel/`);
    expect((await session()).runtimeUrl).toBe(url);
    // A development run does not remember it: the next start is on the repository again.
    await expect(readFile(path.join(userData, 'settings.json'), 'utf8')).rejects.toThrow();
    if (before !== url) await expect(fetch(`${before}/`)).rejects.toThrow();
  });

  it('a cancelled choice changes nothing', async () => {
    const url = desktop.runtime!.url!;
    const choice = await ipcMain.invoke(BRIDGE_CHANNELS.chooseWorkspace, { sender: window().webContents });
    expect(choice).toEqual({ changed: false, workspace: dir });
    expect(desktop.runtime!.url).toBe(url);
  });

  it('a second instance brings the window to the front', () => {
    window().minimized = true;
    app.emit('second-instance', {}, [], '/');
    expect(window().minimized).toBe(false);
    expect(window().focused).toBe(true);
    expect(FakeBrowserWindow.instances).toHaveLength(1);
  });
});
