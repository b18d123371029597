import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/server/config/load.js';
import { DEFAULT_ADMIN_TOKEN, DEFAULT_BUSINESS_TOKEN } from '../../src/server/config/schema.js';
import { dialog, resetElectron } from './fake-electron.js';

vi.mock('electron', async () => (await import('./fake-electron.js')).electron);

const { adoptWorkspace, askFirstWorkspace, ensureWorkspace, readSettings, resolveWorkspace, workspaceAt } =
  await import('../../src/main/workspace.js');

const REPO = path.resolve('.');
const TEMPLATE = {
  module: path.join(REPO, 'apis/template.ts'),
  config: path.join(REPO, 'api-deploy.config.json'),
};

let dir: string;
beforeEach(async () => {
  resetElectron();
  dir = await mkdtemp(path.join(tmpdir(), 'api-deploy-workspace-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const tokensOf = (config: Record<string, unknown>) =>
  [...(config.validTokens as { token: string }[]), ...(config.adminTokens as { token: string }[])].map(
    (entry) => entry.token,
  );

describe('a new workspace', () => {
  it('is created from the template: the config with new random tokens, apis/template.ts, logs/', async () => {
    const workspace = workspaceAt(path.join(dir, 'API Deploy'));
    expect(await ensureWorkspace(workspace, TEMPLATE)).toBe(true);

    expect((await readdir(workspace.dir)).sort()).toEqual(['api-deploy.config.json', 'apis', 'logs']);
    expect(await readFile(path.join(workspace.apisDir, 'template.ts'), 'utf8')).toBe(
      await readFile(TEMPLATE.module, 'utf8'),
    );
    const config = JSON.parse(await readFile(workspace.configFile, 'utf8')) as Record<string, unknown>;
    const repository = JSON.parse(await readFile(TEMPLATE.config, 'utf8')) as Record<string, unknown>;
    // Like the repository's config, key for key, but for the tokens.
    expect(Object.keys(config)).toEqual(Object.keys(repository));
    for (const [key, value] of Object.entries(repository)) {
      if (key !== 'validTokens' && key !== 'adminTokens') expect(config[key], key).toEqual(value);
    }
    const tokens = tokensOf(config);
    expect(tokens).toHaveLength(2);
    expect(tokens).not.toContain(DEFAULT_ADMIN_TOKEN);
    expect(tokens).not.toContain(DEFAULT_BUSINESS_TOKEN);
    for (const token of tokens) expect(token).toMatch(/^adt_[\w-]{43}$/);
    expect(new Set(tokens).size).toBe(2);
    // Start-up accepts it as it is.
    expect(loadConfig({ configPath: workspace.configFile, explicit: true, overrides: {} }).apisDir).toBe(
      workspace.apisDir,
    );
  });

  it('gets different tokens each time', async () => {
    const one = workspaceAt(path.join(dir, 'one'));
    const two = workspaceAt(path.join(dir, 'two'));
    await ensureWorkspace(one, TEMPLATE);
    await ensureWorkspace(two, TEMPLATE);
    const [a, b] = await Promise.all(
      [one, two].map(async (w) => tokensOf(JSON.parse(await readFile(w.configFile, 'utf8')))),
    );
    expect(a!.filter((token) => b!.includes(token))).toEqual([]);
  });

  it('without the shipped files: the built-in config, no module', async () => {
    const workspace = workspaceAt(dir);
    await ensureWorkspace(workspace, {
      module: path.join(dir, 'missing.ts'),
      config: path.join(dir, 'missing.json'),
    });
    expect(await readdir(workspace.apisDir)).toEqual([]);
    const config = loadConfig({ configPath: workspace.configFile, explicit: true, overrides: {} });
    expect(config.port).toBe(8000);
    expect(tokensOf(config as never)).not.toContain(DEFAULT_ADMIN_TOKEN);
  });

  it('in a folder with files but no config: adds what is missing, overwrites nothing', async () => {
    const workspace = workspaceAt(dir);
    await mkdir(workspace.apisDir, { recursive: true });
    await writeFile(path.join(workspace.apisDir, 'template.ts'), '// mine');
    expect(await ensureWorkspace(workspace, TEMPLATE)).toBe(true);
    expect(await readFile(path.join(workspace.apisDir, 'template.ts'), 'utf8')).toBe('// mine');
  });
});

describe('an existing workspace', () => {
  it('is left untouched', async () => {
    const workspace = workspaceAt(dir);
    const config = '{ "port": 9000, "adminTokens": ["mine-and-only-mine"] }\n';
    await writeFile(workspace.configFile, config);
    expect(await ensureWorkspace(workspace, TEMPLATE)).toBe(false);
    expect(await readFile(workspace.configFile, 'utf8')).toBe(config);
    expect(await readdir(dir)).toEqual(['api-deploy.config.json']);
  });
});

describe('which workspace', () => {
  const options = (overrides: Partial<Parameters<typeof resolveWorkspace>[0]> = {}) => ({
    isPackaged: true,
    appDir: REPO,
    settingsFile: path.join(dir, 'userData', 'settings.json'),
    defaultDir: path.join(dir, 'Documents', 'API Deploy'),
    template: TEMPLATE,
    firstRun: vi.fn(async (defaultDir: string) => defaultDir as string | undefined),
    ...overrides,
  });

  it('in development: the repository, with no question', async () => {
    const opts = options({ isPackaged: false });
    expect(await resolveWorkspace(opts)).toEqual(workspaceAt(REPO));
    expect(opts.firstRun).not.toHaveBeenCalled();
  });

  it('first run: asks, creates it and remembers it; the next run asks nothing', async () => {
    const opts = options();
    const workspace = await resolveWorkspace(opts);
    expect(opts.firstRun).toHaveBeenCalledWith(opts.defaultDir);
    expect(workspace).toEqual(workspaceAt(opts.defaultDir));
    expect(await readSettings(opts.settingsFile)).toEqual({ workspace: opts.defaultDir });
    expect(await readdir(path.join(dir, 'userData'))).toEqual(['settings.json']); // written atomically

    const again = options();
    expect(await resolveWorkspace(again)).toEqual(workspaceAt(opts.defaultDir));
    expect(again.firstRun).not.toHaveBeenCalled();
  });

  it('a bad settings file: the first-run path', async () => {
    for (const content of ['{ oops', '{"workspace": 42}', '{"workspace": "relative/path"}', 'null']) {
      await mkdir(path.join(dir, 'userData'), { recursive: true });
      await writeFile(path.join(dir, 'userData', 'settings.json'), content);
      const opts = options();
      expect(await resolveWorkspace(opts), content).toEqual(workspaceAt(opts.defaultDir));
      expect(opts.firstRun, content).toHaveBeenCalledOnce();
    }
  });

  it('a remembered folder that is gone: the first-run path', async () => {
    const opts = options();
    await adoptWorkspace(path.join(dir, 'old'), opts);
    await rm(path.join(dir, 'old'), { recursive: true });
    expect(await resolveWorkspace(opts)).toEqual(workspaceAt(opts.defaultDir));
    expect(opts.firstRun).toHaveBeenCalledOnce();
  });

  it('quitting at the first-run question: no workspace, nothing written', async () => {
    const opts = options({ firstRun: vi.fn(async () => undefined) });
    expect(await resolveWorkspace(opts)).toBeUndefined();
    expect(await readdir(dir)).toEqual([]);
  });

  it('the first-run dialog: the suggested folder, another one, or quit', async () => {
    const suggested = path.join(dir, 'API Deploy');
    dialog.showMessageBox.mockResolvedValueOnce({ response: 0, checkboxChecked: false });
    expect(await askFirstWorkspace(suggested)).toBe(suggested);

    dialog.showMessageBox.mockResolvedValueOnce({ response: 1, checkboxChecked: false });
    dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: ['/elsewhere'] });
    expect(await askFirstWorkspace(suggested)).toBe('/elsewhere');

    // Cancelling the folder picker asks again; then Quit.
    dialog.showMessageBox
      .mockResolvedValueOnce({ response: 1, checkboxChecked: false })
      .mockResolvedValueOnce({ response: 2, checkboxChecked: false });
    dialog.showOpenDialog.mockResolvedValueOnce({ canceled: true, filePaths: [] });
    expect(await askFirstWorkspace(suggested)).toBeUndefined();
  });
});
