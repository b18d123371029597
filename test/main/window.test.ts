import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  dialog,
  FakeBrowserWindow,
  FakeWebContents,
  nativeTheme,
  resetElectron,
  shell,
} from './fake-electron.js';

vi.mock('electron', async () => (await import('./fake-electron.js')).electron);

const { BACKGROUND, confirmUnload, denyPermissions, guardNavigation, isTrusted, MainWindow, windowOptions } =
  await import('../../src/main/window.js');
const { MIN_HEIGHT, MIN_WIDTH } = await import('../../src/main/window-state.js');

const RUNTIME = 'http://127.0.0.1:8000';
const origins = () => [RUNTIME];

beforeEach(() => resetElectron());

describe('window options', () => {
  it('isolate and sandbox the page: no Node.js, web security on, no webview; the preload is the bridge', () => {
    const options = windowOptions('/app/out/preload/index.cjs', undefined, '0.1.0');
    expect(options.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(options.webPreferences!.additionalArguments).toEqual(['--api-deploy-version=0.1.0']);
    expect(options).toMatchObject({ minWidth: MIN_WIDTH, minHeight: MIN_HEIGHT, show: false });
  });

  it('take the background from the system theme, and the remembered place or the centre', () => {
    expect(windowOptions('p').backgroundColor).toBe(BACKGROUND.light);
    nativeTheme.shouldUseDarkColors = true;
    expect(windowOptions('p').backgroundColor).toBe(BACKGROUND.dark);
    expect(windowOptions('p', { x: 10, y: 20, width: 1000, height: 700, maximized: false })).toMatchObject({
      x: 10,
      y: 20,
      width: 1000,
      height: 700,
    });
    const centred = windowOptions('p', { width: 1000, height: 700, maximized: false });
    expect(centred).toMatchObject({ center: true });
    expect(centred).not.toHaveProperty('x');
  });

  it('the open window follows a theme change', () => {
    const window = new MainWindow({
      preloadPath: 'p',
      state: { width: 1000, height: 700, maximized: true },
      version: '0.1.0',
      origins,
    });
    const win = window.win as unknown as FakeBrowserWindow;
    expect(win.maximized).toBe(true);
    nativeTheme.shouldUseDarkColors = true;
    nativeTheme.emit('updated');
    expect(win.backgroundColor).toBe(BACKGROUND.dark);
    win.destroy();
    expect(nativeTheme.listenerCount('updated')).toBe(0);
  });
});

describe('navigation', () => {
  let contents: FakeWebContents;
  beforeEach(() => {
    contents = new FakeWebContents();
    guardNavigation(contents as never, origins);
  });

  it('stays on the runtime: its own pages are allowed', () => {
    expect(contents.navigate(`${RUNTIME}/panel/#/logs`)).toBe(false);
    expect(contents.navigate(`${RUNTIME}/`)).toBe(false);
    expect(shell.openExternal).not.toHaveBeenCalled();
  });

  it('refuses any other origin; an http(s) link opens in the system browser instead', () => {
    expect(contents.navigate('https://example.com/docs')).toBe(true);
    expect(shell.openExternal).toHaveBeenCalledWith('https://example.com/docs');
    expect(contents.navigate('http://127.0.0.1:9999/panel/')).toBe(true); // another port, another origin
    expect(contents.navigate('http://localhost:8000/panel/')).toBe(true);
    expect(shell.openExternal).toHaveBeenCalledTimes(3);
  });

  it('refuses file:, javascript: and custom schemes without opening them anywhere', () => {
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'vscode://file/x', 'not a url']) {
      expect(contents.navigate(url), url).toBe(true);
    }
    expect(shell.openExternal).not.toHaveBeenCalled();
  });

  it('refuses a redirect away from the runtime', () => {
    const away = { url: 'https://evil.example/', preventDefault: vi.fn() };
    contents.emit('will-redirect', away);
    expect(away.preventDefault).toHaveBeenCalled();
    const home = { url: `${RUNTIME}/panel/`, preventDefault: vi.fn() };
    contents.emit('will-redirect', home);
    expect(home.preventDefault).not.toHaveBeenCalled();
  });

  it('window.open never opens a window; external links go to the browser', () => {
    expect(contents.windowOpenHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(shell.openExternal).toHaveBeenCalledWith('https://example.com/');
    expect(contents.windowOpenHandler!({ url: `${RUNTIME}/panel/` })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'file:///tmp/x' })).toEqual({ action: 'deny' });
    expect(shell.openExternal).toHaveBeenCalledTimes(1);
  });

  it('never attaches a webview', () => {
    const event = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', event, {}, {});
    expect(event.preventDefault).toHaveBeenCalled();
  });

  it('isTrusted compares whole origins', () => {
    expect(isTrusted(`${RUNTIME}/x`, [RUNTIME])).toBe(true);
    expect(isTrusted('http://127.0.0.1:8000.evil.example/', [RUNTIME])).toBe(false);
    expect(isTrusted('about:blank', [RUNTIME])).toBe(false);
    expect(isTrusted(`${RUNTIME}/x`, [])).toBe(false);
  });
});

describe('permissions', () => {
  it('are refused, requests and checks, from any origin; only clipboard writing by the runtime is allowed', async () => {
    const contents = new FakeWebContents();
    contents.mainFrame.url = `${RUNTIME}/panel/`;
    const { session } = contents;
    denyPermissions(session as never, origins);
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'openExternal',
      'fullscreen',
    ]) {
      expect(await session.request(contents, permission, `${RUNTIME}/panel/`), permission).toBe(false);
      expect(session.permissionCheckHandler!(contents, permission, RUNTIME), permission).toBe(false);
    }
    expect(await session.request(contents, 'clipboard-sanitized-write', `${RUNTIME}/panel/`)).toBe(true);
    expect(session.permissionCheckHandler!(contents, 'clipboard-sanitized-write', RUNTIME)).toBe(true);
    expect(await session.request(contents, 'clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
    expect(session.permissionCheckHandler!(null, 'clipboard-sanitized-write', 'https://evil.example')).toBe(
      false,
    );
  });
});

describe('unsaved changes (will-prevent-unload)', () => {
  it('asks: Leave unloads, Stay keeps the page and says so', () => {
    const win = new FakeBrowserWindow({});
    const stayed = vi.fn();
    confirmUnload(win as never, stayed);

    dialog.showMessageBoxSync.mockReturnValueOnce(0);
    const leave = { preventDefault: vi.fn() };
    win.webContents.emit('will-prevent-unload', leave);
    expect(leave.preventDefault).toHaveBeenCalled();
    expect(stayed).not.toHaveBeenCalled();
    expect(dialog.showMessageBoxSync).toHaveBeenCalledWith(
      win,
      expect.objectContaining({ buttons: ['Leave', 'Stay'], cancelId: 1, defaultId: 1 }),
    );

    dialog.showMessageBoxSync.mockReturnValueOnce(1);
    const stay = { preventDefault: vi.fn() };
    win.webContents.emit('will-prevent-unload', stay);
    expect(stay.preventDefault).not.toHaveBeenCalled();
    expect(stayed).toHaveBeenCalledOnce();
  });

  it('MainWindow.close resolves false when the user stays, true once closed', async () => {
    const window = new MainWindow({
      preloadPath: 'p',
      state: { width: 1000, height: 700, maximized: false },
      version: '',
      origins,
    });
    const win = window.win as unknown as FakeBrowserWindow;
    win.guardsUnload = true;
    dialog.showMessageBoxSync.mockReturnValueOnce(1);
    expect(await window.close()).toBe(false);
    expect(win.destroyed).toBe(false);
    dialog.showMessageBoxSync.mockReturnValueOnce(0);
    expect(await window.close()).toBe(true);
    expect(win.destroyed).toBe(true);
    expect(await window.close()).toBe(true);
  });
});
