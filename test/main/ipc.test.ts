import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BRIDGE_CHANNELS } from '../../src/shared/bridge.js';
import { FakeEvent, FakeWebContents, FakeWebFrame, ipcMain, resetElectron } from './fake-electron.js';

vi.mock('electron', async () => (await import('./fake-electron.js')).electron);

const { dispatch, registerBridge, watchStrayMessages } = await import('../../src/main/ipc.js');

const RUNTIME = 'http://127.0.0.1:8000';
const SESSION = { runtimeUrl: RUNTIME, adminToken: 'session-token' };

function setup() {
  const window = new FakeWebContents();
  window.mainFrame.url = `${RUNTIME}/panel/`;
  const handlers = {
    getSession: vi.fn(() => SESSION),
    chooseWorkspace: vi.fn(async () => ({ changed: true, workspace: '/w' })),
    openFolder: vi.fn(async (_which: string) => undefined),
  };
  const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
  const unregister = registerBridge(
    ipcMain as never,
    handlers,
    { contents: () => window as never, origins: () => [RUNTIME] },
    log,
  );
  return { window, handlers, log, unregister };
}

beforeEach(() => resetElectron());

describe('the bridge over IPC', () => {
  it('has one handler per channel, and answers our window', async () => {
    const { window, handlers } = setup();
    expect([...ipcMain.handlers.keys()].sort()).toEqual(Object.values(BRIDGE_CHANNELS).sort());
    expect(await ipcMain.invoke(BRIDGE_CHANNELS.getSession, { sender: window })).toEqual(SESSION);
    expect(await ipcMain.invoke(BRIDGE_CHANNELS.chooseWorkspace, { sender: window })).toEqual({
      changed: true,
      workspace: '/w',
    });
    for (const which of ['apis', 'logs', 'workspace']) {
      await ipcMain.invoke(BRIDGE_CHANNELS.openFolder, { sender: window }, which);
    }
    expect(handlers.openFolder.mock.calls).toEqual([['apis'], ['logs'], ['workspace']]);
  });

  it('refuses bad arguments with a clear error, and logs it', async () => {
    const { window, handlers, log } = setup();
    const cases: [string, unknown[], RegExp][] = [
      [
        BRIDGE_CHANNELS.openFolder,
        ['home'],
        /api-deploy:open-folder: invalid arguments: argument 1: .*"apis"/,
      ],
      [BRIDGE_CHANNELS.openFolder, [], /open-folder: invalid arguments/],
      [BRIDGE_CHANNELS.openFolder, [{ which: 'apis' }], /argument 1/],
      [BRIDGE_CHANNELS.openFolder, ['apis', 'logs'], /invalid arguments/],
      [BRIDGE_CHANNELS.getSession, ['extra'], /get-session: invalid arguments/],
      [BRIDGE_CHANNELS.chooseWorkspace, [null], /choose-workspace: invalid arguments/],
    ];
    for (const [channel, args, message] of cases) {
      await expect(
        ipcMain.invoke(channel, { sender: window }, ...args),
        `${channel} ${JSON.stringify(args)}`,
      ).rejects.toThrow(message);
    }
    expect(handlers.openFolder).not.toHaveBeenCalled();
    expect(handlers.getSession).not.toHaveBeenCalled();
    expect(log.warn).toHaveBeenCalledTimes(cases.length);
    expect(String(log.warn.mock.calls[0]![0])).toContain('refused');
  });

  it('refuses an unknown channel', async () => {
    const { window, log } = setup();
    await expect(
      dispatch(
        { getSession: vi.fn(), chooseWorkspace: vi.fn(), openFolder: vi.fn() },
        { contents: () => window as never, origins: () => [RUNTIME] },
        log,
        'api-deploy:run-shell',
        { sender: window, senderFrame: window.mainFrame } as never,
        [],
      ),
    ).rejects.toThrow('api-deploy:run-shell: unknown channel');
    expect(log.warn).toHaveBeenCalledWith(expect.stringContaining('unknown channel'));
  });

  it('answers only the top frame of our window, on the runtime', async () => {
    const { window, handlers } = setup();
    const other = new FakeWebContents();
    other.mainFrame.url = `${RUNTIME}/panel/`;
    await expect(ipcMain.invoke(BRIDGE_CHANNELS.getSession, { sender: other })).rejects.toThrow(
      'not sent by the app window',
    );
    const subframe = new FakeWebFrame(`${RUNTIME}/panel/`);
    subframe.parent = window.mainFrame;
    await expect(
      ipcMain.invoke(BRIDGE_CHANNELS.getSession, { sender: window, frame: subframe }),
    ).rejects.toThrow('top frame');
    await expect(ipcMain.invoke(BRIDGE_CHANNELS.getSession, { sender: window, frame: null })).rejects.toThrow(
      'top frame',
    );
    window.mainFrame.url = 'https://evil.example/';
    await expect(ipcMain.invoke(BRIDGE_CHANNELS.getSession, { sender: window })).rejects.toThrow(
      "not sent from the app's own page (https://evil.example/)",
    );
    window.mainFrame.url = 'http://127.0.0.1:9999/panel/';
    await expect(ipcMain.invoke(BRIDGE_CHANNELS.getSession, { sender: window })).rejects.toThrow('own page');
    expect(handlers.getSession).not.toHaveBeenCalled();
  });

  it('refuses everyone when there is no window', async () => {
    const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    registerBridge(
      ipcMain as never,
      { getSession: vi.fn(), chooseWorkspace: vi.fn(), openFolder: vi.fn() },
      { contents: () => undefined, origins: () => [RUNTIME] },
      log,
    );
    await expect(
      ipcMain.invoke(BRIDGE_CHANNELS.getSession, { sender: new FakeWebContents() }),
    ).rejects.toThrow('not sent by the app window');
  });

  it('a handler that fails rejects with its error, logged', async () => {
    const { window, handlers, log } = setup();
    handlers.openFolder.mockRejectedValueOnce(new Error('could not open /w/logs: no file manager'));
    await expect(ipcMain.invoke(BRIDGE_CHANNELS.openFolder, { sender: window }, 'logs')).rejects.toThrow(
      'no file manager',
    );
    expect(log.error).toHaveBeenCalledWith('IPC api-deploy:open-folder failed', expect.any(Error));
  });

  it('unregisters its handlers', () => {
    const { unregister } = setup();
    unregister();
    expect(ipcMain.handlers.size).toBe(0);
  });

  it('logs messages sent outside the bridge; a sync one gets null instead of hanging', () => {
    const contents = new FakeWebContents();
    const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    watchStrayMessages(contents as never, log);
    contents.emit('ipc-message', new FakeEvent(), 'shell:exec', 'rm -rf /');
    const sync = new FakeEvent();
    contents.emit('ipc-message-sync', sync, 'read-token');
    expect(sync.returnValue).toBeNull();
    expect(log.warn.mock.calls.map(([line]) => line)).toEqual([
      'IPC message on unexpected channel shell:exec ignored',
      'IPC sync message on unexpected channel read-token ignored',
    ]);
  });
});
