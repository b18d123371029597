import { EventEmitter } from 'node:events';
import { readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ADMIN, makeWorkspace } from '../helpers/server.js';
import { dialog, resetElectron, shell } from './fake-electron.js';

vi.mock('electron', async () => (await import('./fake-electron.js')).electron);

const { explainStartFailure, isPortFree, nextFreePort, offerFreePort, reportUnexpected } =
  await import('../../src/main/faults.js');
const { RuntimeHost } = await import('../../src/main/runtime-host.js');
const { workspaceAt } = await import('../../src/main/workspace.js');

const OUT = path.resolve('out');
const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
const SESSION = { token: 'desktop-session-token-for-tests', label: 'desktop app' };

/** Listens on a port of 127.0.0.1 chosen by the system, as another program would. */
async function occupy(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

let occupied: Awaited<ReturnType<typeof occupy>>;
beforeAll(async () => {
  occupied = await occupy();
});
afterAll(() => occupied.close());
beforeEach(() => {
  resetElectron();
  vi.clearAllMocks();
});

describe('port in use', () => {
  it('finds the next free port after a taken one', async () => {
    expect(await isPortFree('127.0.0.1', occupied.port)).toBe(false);
    const next = await nextFreePort('127.0.0.1', occupied.port - 1);
    expect(next).toBeGreaterThan(occupied.port - 1);
    expect(next).not.toBe(occupied.port);
    expect(await isPortFree('127.0.0.1', next!)).toBe(true);
  });

  it('the dialog offers the next free port; Quit gives none', async () => {
    dialog.showMessageBox.mockResolvedValueOnce({ response: 0, checkboxChecked: false });
    const port = await offerFreePort({ host: '127.0.0.1', port: occupied.port }, log);
    expect(port).toBeGreaterThan(occupied.port);
    const [options] = dialog.showMessageBox.mock.calls[0]! as [{ message: string; buttons: string[] }];
    expect(options.message).toBe(`Port ${occupied.port} is already in use`);
    expect(options.buttons).toEqual([`Start on port ${port}`, 'Quit']);
    expect(options).not.toHaveProperty('checkboxLabel'); // no config file to save it to

    dialog.showMessageBox.mockResolvedValueOnce({ response: 1, checkboxChecked: false });
    expect(await offerFreePort({ host: '127.0.0.1', port: occupied.port }, log)).toBeUndefined();
  });

  it('the runtime starts on the offered port; saved to the config file when asked, keeping the rest', async () => {
    const dir = await makeWorkspace({}, { port: occupied.port, functionTimeoutMs: 1234 });
    const workspace = workspaceAt(dir);
    const before = JSON.parse(await readFile(workspace.configFile, 'utf8')) as Record<string, unknown>;
    dialog.showMessageBox.mockResolvedValueOnce({ response: 0, checkboxChecked: true });
    const host = new RuntimeHost({
      outDir: OUT,
      sessionToken: SESSION,
      faults: { portInUse: (problem) => offerFreePort(problem, log), cannotStart: vi.fn() },
      env: {},
    });
    try {
      const runtime = await host.start(workspace);
      expect(runtime).toBeDefined();
      const port = Number(new URL(runtime!.url!).port);
      expect(port).toBeGreaterThan(occupied.port);
      expect(dialog.showMessageBox).toHaveBeenCalledWith(
        expect.objectContaining({ checkboxLabel: `Save port ${port} to the config file` }),
      );
      const after = JSON.parse(await readFile(workspace.configFile, 'utf8')) as Record<string, unknown>;
      expect(after).toEqual({ ...before, port });
      expect(Object.keys(after)).toEqual(Object.keys(before));
      const status = await fetch(`${runtime!.url}/api/status`, {
        headers: { authorization: `Bearer ${ADMIN}` },
      });
      expect(status.status).toBe(200);
    } finally {
      await host.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('quitting at the dialog: no runtime', async () => {
    const dir = await makeWorkspace({}, { port: occupied.port });
    const portInUse = vi.fn(async () => undefined);
    const host = new RuntimeHost({
      outDir: OUT,
      sessionToken: SESSION,
      faults: { portInUse, cannotStart: vi.fn() },
      env: {},
    });
    try {
      expect(await host.start(workspaceAt(dir))).toBeUndefined();
      expect(portInUse).toHaveBeenCalledWith({
        host: '127.0.0.1',
        port: occupied.port,
        configFile: path.join(dir, 'api-deploy.config.json'),
      });
      expect(host.runtime).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a broken config file', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('the dialog names the problem; Open config file opens it and asks again; Quit', async () => {
    dialog.showMessageBox
      .mockResolvedValueOnce({ response: 0, checkboxChecked: false })
      .mockResolvedValueOnce({ response: 2, checkboxChecked: false });
    const answer = await explainStartFailure(
      {
        message: '/w/api-deploy.config.json: "port": expected number',
        configFile: '/w/api-deploy.config.json',
      },
      log,
    );
    expect(answer).toBe('quit');
    expect(shell.openPath).toHaveBeenCalledWith('/w/api-deploy.config.json');
    expect(dialog.showMessageBox).toHaveBeenCalledTimes(2);
    const [options] = dialog.showMessageBox.mock.calls[0]! as [{ detail: string; buttons: string[] }];
    expect(options.detail).toContain('"port": expected number');
    expect(options.buttons).toEqual(['Open config file', 'Try again', 'Quit']);
  });

  it('the runtime host shows the key at fault, and starts once the file is fixed and the user tries again', async () => {
    dir = await makeWorkspace({});
    const workspace = workspaceAt(dir);
    const good = await readFile(workspace.configFile, 'utf8');
    await writeFile(workspace.configFile, good.replace('"port": 0', '"port": "eighty"'));
    const cannotStart = vi.fn(async () => {
      await writeFile(workspace.configFile, good); // the user fixes it meanwhile
      return 'retry' as const;
    });
    const host = new RuntimeHost({
      outDir: OUT,
      sessionToken: SESSION,
      faults: { portInUse: vi.fn(), cannotStart },
      env: {},
    });
    try {
      const runtime = await host.start(workspace);
      expect(cannotStart).toHaveBeenCalledOnce();
      expect(cannotStart).toHaveBeenCalledWith({
        message: expect.stringContaining('"port"'),
        configFile: workspace.configFile,
      });
      expect(runtime?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await host.stop();
    }
  });

  it('invalid JSON: the dialog says where; Quit gives no runtime', async () => {
    dir = await makeWorkspace({});
    const workspace = workspaceAt(dir);
    await writeFile(workspace.configFile, '{\n  "port": 8000,\n}');
    const cannotStart = vi.fn(async (_problem: { message: string; configFile: string }) => 'quit' as const);
    const host = new RuntimeHost({
      outDir: OUT,
      sessionToken: SESSION,
      faults: { portInUse: vi.fn(), cannotStart },
      env: {},
    });
    expect(await host.start(workspace)).toBeUndefined();
    expect(cannotStart.mock.calls[0]![0]).toMatchObject({
      message: expect.stringMatching(/config\.json:3:1: invalid JSON/),
    });
  });
});

describe('unexpected errors in the main process', () => {
  it('are logged and shown, not a silent exit', () => {
    const target = new EventEmitter();
    reportUnexpected(log, target);
    target.emit('uncaughtException', new Error('boom'));
    target.emit('unhandledRejection', 'a string reason');
    expect(log.error).toHaveBeenCalledWith(
      'uncaught exception:',
      expect.objectContaining({ message: 'boom' }),
    );
    expect(log.error).toHaveBeenCalledWith('unhandled rejection:', 'a string reason');
    expect(dialog.showErrorBox).toHaveBeenCalledTimes(2);
    expect(dialog.showErrorBox.mock.calls[0]![1]).toContain('Error: boom');
    expect(dialog.showErrorBox.mock.calls[1]![1]).toContain('a string reason');
  });
});
