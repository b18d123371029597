import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_ADMIN_TOKEN } from '../../src/server/config/schema.js';
import { app, dialog, FakeBrowserWindow, resetElectron } from './fake-electron.js';

vi.mock('electron', async () => (await import('./fake-electron.js')).electron);

const { DesktopApp } = await import('../../src/main/desktop.js');

/**
 * The packaged app's first run, Electron faked: no workspace yet, so the user is asked where it
 * goes; it is created from the template shipped in resources/template (electron-builder.yml's
 * extraResources), remembered, and served.
 */
const OUT = path.resolve('out');
const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };

let root: string;
let resources: string;
let userData: string;
let documents: string;
/** Electron sets `process.resourcesPath` (read-only in its typings); plain Node.js has none. */
const processWithResources = process as { resourcesPath?: string };
const resourcesPath = processWithResources.resourcesPath;

beforeEach(async () => {
  resetElectron();
  vi.clearAllMocks();
  root = await mkdtemp(path.join(tmpdir(), 'api-deploy-packaged-'));
  resources = path.join(root, 'resources');
  userData = path.join(root, 'userData');
  documents = path.join(root, 'Documents');
  await mkdir(path.join(resources, 'template', 'apis'), { recursive: true });
  await copyFile('apis/template.ts', path.join(resources, 'template', 'apis', 'template.ts'));
  // The repository's config, on a port the system chooses (8000 may be taken on this machine).
  const config = JSON.parse(await readFile('api-deploy.config.json', 'utf8')) as Record<string, unknown>;
  await writeFile(
    path.join(resources, 'template', 'api-deploy.config.json'),
    JSON.stringify({ ...config, port: 0, hotReload: false }),
  );
  processWithResources.resourcesPath = resources;
  Object.assign(app, {
    isPackaged: true,
    appPath: path.join(resources, 'app.asar'),
    paths: { userData, documents },
  });
});

afterEach(async () => {
  if (app.exited === undefined) app.quit();
  await vi.waitFor(() => expect(app.exited).toBeDefined(), { timeout: 15_000 });
  processWithResources.resourcesPath = resourcesPath;
  await rm(root, { recursive: true, force: true });
});

describe('the packaged app, first run', () => {
  it('asks where the workspace goes, creates it from the template with new tokens, remembers it, serves it', async () => {
    dialog.showMessageBox.mockResolvedValueOnce({ response: 0, checkboxChecked: false }); // the suggested folder
    const desktop = new DesktopApp({ outDir: OUT, log });
    expect(desktop.install()).toBe(true);
    await desktop.start();

    const workspace = path.join(documents, 'API Deploy');
    expect(dialog.showMessageBox).toHaveBeenCalledWith(
      expect.objectContaining({ detail: expect.stringContaining(workspace) }),
    );
    expect((await readdir(workspace)).sort()).toEqual(['api-deploy.config.json', 'apis', 'logs']);
    expect(await readFile(path.join(workspace, 'apis', 'template.ts'), 'utf8')).toBe(
      await readFile('apis/template.ts', 'utf8'),
    );
    const config = await readFile(path.join(workspace, 'api-deploy.config.json'), 'utf8');
    expect(config).not.toContain(DEFAULT_ADMIN_TOKEN);
    expect(config).not.toContain('your-business-token');
    expect(JSON.parse(await readFile(path.join(userData, 'settings.json'), 'utf8'))).toEqual({ workspace });

    const url = desktop.runtime!.url!;
    expect(desktop.runtime!.config.configPath).toBe(path.join(workspace, 'api-deploy.config.json'));
    expect(desktop.runtime!.generation.endpoints.map((endpoint) => endpoint.path)).toEqual(
      expect.arrayContaining(['/template/sync_hello']),
    );
    expect(FakeBrowserWindow.instances[0]!.loaded).toEqual([`${url}/panel/`]);
  });

  it('quitting at the first-run question quits, creating nothing', async () => {
    dialog.showMessageBox.mockResolvedValueOnce({ response: 2, checkboxChecked: false });
    const desktop = new DesktopApp({ outDir: OUT, log });
    desktop.install();
    await desktop.start();
    await vi.waitFor(() => expect(app.exited).toBe(0));
    expect(desktop.runtime).toBeUndefined();
    expect(FakeBrowserWindow.instances).toHaveLength(0);
    await expect(readdir(documents)).rejects.toThrow();
  });
});
