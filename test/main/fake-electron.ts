/**
 * A small stand-in for the `electron` module, enough for the main-process modules: the Electron
 * binary cannot run here. Use it with
 *
 *   vi.mock('electron', async () => (await import('./fake-electron.js')).electron);
 *
 * and import the same module to drive it (emit events, answer dialogs) and look at what the code
 * did. `resetElectron()` between tests.
 */
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

/** An Electron event: `preventDefault()` and whatever the event carries (`url`...). */
export class FakeEvent {
  defaultPrevented = false;
  returnValue: unknown;
  constructor(properties: Record<string, unknown> = {}) {
    Object.assign(this, properties);
  }
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

export class FakeWebFrame {
  parent: FakeWebFrame | null = null;
  constructor(public url = '') {}
}

type PermissionRequestHandler = (
  contents: FakeWebContents,
  permission: string,
  callback: (granted: boolean) => void,
  details: { requestingUrl?: string },
) => void;
type PermissionCheckHandler = (
  contents: FakeWebContents | null,
  permission: string,
  origin: string,
) => boolean;

export class FakeSession {
  permissionRequestHandler: PermissionRequestHandler | undefined;
  permissionCheckHandler: PermissionCheckHandler | undefined;
  setPermissionRequestHandler(handler: PermissionRequestHandler): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: PermissionCheckHandler): void {
    this.permissionCheckHandler = handler;
  }
  /** What the page would get when asking for a permission. */
  request(contents: FakeWebContents, permission: string, requestingUrl?: string): Promise<boolean> {
    return new Promise((resolve) =>
      this.permissionRequestHandler!(contents, permission, resolve, { requestingUrl }),
    );
  }
}

let nextId = 1;

export class FakeWebContents extends EventEmitter {
  readonly id = nextId++;
  readonly mainFrame = new FakeWebFrame();
  readonly session = new FakeSession();
  windowOpenHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | undefined;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'allow' | 'deny' }): void {
    this.windowOpenHandler = handler;
  }
  getURL(): string {
    return this.mainFrame.url;
  }
  /** Emits `will-navigate` as Electron does; resolves whether the navigation was refused. */
  navigate(url: string): boolean {
    const event = new FakeEvent({ url });
    this.emit('will-navigate', event, url);
    return event.defaultPrevented;
  }
}

export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  bounds: Bounds;
  maximized = false;
  minimized = false;
  visible = false;
  focused = false;
  destroyed = false;
  backgroundColor: string | undefined;
  loaded: string[] = [];
  /** Whether the page has a `beforeunload` guard up (the editor with unsaved changes). */
  guardsUnload = false;

  constructor(
    readonly options: Record<string, unknown> & { width?: number; height?: number; x?: number; y?: number },
  ) {
    super();
    this.bounds = {
      x: options.x ?? 100,
      y: options.y ?? 100,
      width: options.width ?? 800,
      height: options.height ?? 600,
    };
    this.backgroundColor = options.backgroundColor as string | undefined;
    FakeBrowserWindow.instances.push(this);
  }

  async loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    this.webContents.mainFrame.url = url;
  }
  /** Like Electron: `close`, then the page's unload guard may keep the window open. */
  close(): void {
    if (this.destroyed) return;
    this.emit('close', new FakeEvent());
    if (this.guardsUnload) {
      const event = new FakeEvent();
      this.webContents.emit('will-prevent-unload', event);
      if (!event.defaultPrevented) return; // the user stays
    }
    this.destroy();
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('closed');
  }
  isDestroyed = () => this.destroyed;
  maximize = () => void (this.maximized = true);
  isMaximized = () => this.maximized;
  isMinimized = () => this.minimized;
  restore = () => void (this.minimized = false);
  show = () => void (this.visible = true);
  isVisible = () => this.visible;
  focus = () => void (this.focused = true);
  getNormalBounds = () => ({ ...this.bounds });
  setBackgroundColor = (color: string) => void (this.backgroundColor = color);
}

class FakeApp extends EventEmitter {
  isPackaged = false;
  appPath = '/app';
  paths: Record<string, string> = {};
  hasLock = true;
  requestSingleInstanceLock = vi.fn(() => this.hasLock);
  getPath = (name: string) => {
    const found = this.paths[name];
    if (!found) throw new Error(`fake app: no path "${name}"`);
    return found;
  };
  getAppPath = () => this.appPath;
  getVersion = () => '0.1.0';
  whenReady = () => Promise.resolve();
  /** Like Electron: `before-quit` first; quitting goes on unless a listener prevented it. */
  quit = vi.fn(() => {
    const event = new FakeEvent();
    this.emit('before-quit', event);
    if (!event.defaultPrevented) this.exited ??= 0;
  });
  exited: number | undefined;
  exit = vi.fn((code = 0) => {
    this.exited ??= code;
  });
}

export const app = new FakeApp();

type InvokeHandler = (event: unknown, ...args: unknown[]) => unknown;

class FakeIpcMain {
  handlers = new Map<string, InvokeHandler>();
  handle = vi.fn((channel: string, handler: InvokeHandler) => {
    if (this.handlers.has(channel))
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  });
  removeHandler = vi.fn((channel: string) => void this.handlers.delete(channel));
  /** What `ipcRenderer.invoke(channel, ...args)` from `sender`'s frame would resolve to. */
  async invoke(
    channel: string,
    from: { sender: FakeWebContents; frame?: FakeWebFrame | null },
    ...args: unknown[]
  ): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    const event = {
      sender: from.sender,
      senderFrame: from.frame === undefined ? from.sender.mainFrame : from.frame,
    };
    return handler(event, ...args);
  }
}

export const ipcMain = new FakeIpcMain();

export const dialog = {
  showMessageBox: vi.fn(async (..._args: unknown[]) => ({ response: 0, checkboxChecked: false })),
  showMessageBoxSync: vi.fn((..._args: unknown[]) => 0),
  showErrorBox: vi.fn((_title: string, _content: string) => undefined),
  showOpenDialog: vi.fn(async (..._args: unknown[]) => ({ canceled: true, filePaths: [] as string[] })),
};

export const shell = {
  openExternal: vi.fn(async (_url: string) => undefined),
  openPath: vi.fn(async (_path: string) => ''),
};

class FakeNativeTheme extends EventEmitter {
  shouldUseDarkColors = false;
}
export const nativeTheme = new FakeNativeTheme();

export const screen = {
  getAllDisplays: vi.fn(() => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }]),
};

export const Menu = {
  setApplicationMenu: vi.fn((_menu: unknown) => undefined),
  buildFromTemplate: vi.fn((template: unknown[]) => ({ template })),
};

export class FakeTray extends EventEmitter {
  static instances: FakeTray[] = [];
  tooltip = '';
  menu: unknown;
  destroyed = false;
  constructor(readonly image: unknown) {
    super();
    FakeTray.instances.push(this);
  }
  setToolTip = (text: string) => void (this.tooltip = text);
  setContextMenu = (menu: unknown) => void (this.menu = menu);
  destroy = () => void (this.destroyed = true);
}

export const nativeImage = {
  createFromBitmap: vi.fn(() => ({ addRepresentation: vi.fn() })),
};

type StorageBackend = ReturnType<Electron.SafeStorage['getSelectedStorageBackend']>;

/**
 * Electron's safeStorage, reversibly: the text behind a header, XORed with `key`. Set
 * `available` or `backend` to play a machine without a keychain (or Linux's `basic_text`), and
 * change `key` to play another user's or machine's keychain: decrypting then throws, as it does.
 */
class FakeSafeStorage {
  available = true;
  backend: StorageBackend = 'gnome_libsecret';
  key = 0x5a;
  private readonly header = 'fake-safeStorage:';
  private xor = (bytes: Buffer) => Buffer.from(bytes.map((byte) => byte ^ this.key));
  isAsyncEncryptionAvailable = vi.fn(async () => this.available);
  getSelectedStorageBackend = vi.fn((): StorageBackend => this.backend);
  encryptStringAsync = vi.fn(async (plain: string) => {
    if (!this.available) throw new Error('Encryption is not available.');
    return this.xor(Buffer.from(this.header + plain));
  });
  decryptStringAsync = vi.fn(async (sealed: Buffer) => {
    const text = this.xor(sealed).toString();
    if (!this.available || !text.startsWith(this.header))
      throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return { shouldReEncrypt: false, result: text.slice(this.header.length) };
  });
}
export const safeStorage = new FakeSafeStorage();

/** The module as `import ... from 'electron'` sees it. */
export const electron = {
  app,
  ipcMain,
  nativeTheme,
  BrowserWindow: FakeBrowserWindow,
  Tray: FakeTray,
  Menu,
  dialog,
  shell,
  screen,
  nativeImage,
  safeStorage,
};

/** A fresh app, IPC, theme, windows and trays; every recorded call forgotten. */
export function resetElectron(): void {
  app.removeAllListeners();
  Object.assign(app, { isPackaged: false, appPath: '/app', paths: {}, hasLock: true, exited: undefined });
  for (const fn of [app.requestSingleInstanceLock, app.quit, app.exit]) fn.mockClear();
  ipcMain.handlers.clear();
  ipcMain.handle.mockClear();
  ipcMain.removeHandler.mockClear();
  nativeTheme.removeAllListeners();
  nativeTheme.shouldUseDarkColors = false;
  FakeBrowserWindow.instances = [];
  FakeTray.instances = [];
  for (const group of [dialog, shell, screen, Menu, nativeImage]) {
    for (const fn of Object.values(group)) fn.mockClear();
  }
  dialog.showMessageBox.mockImplementation(async () => ({ response: 0, checkboxChecked: false }));
  dialog.showMessageBoxSync.mockImplementation(() => 0);
  dialog.showOpenDialog.mockImplementation(async () => ({ canceled: true, filePaths: [] }));
  shell.openPath.mockImplementation(async () => '');
  Object.assign(safeStorage, { available: true, backend: 'gnome_libsecret', key: 0x5a });
  for (const fn of [
    safeStorage.isAsyncEncryptionAvailable,
    safeStorage.getSelectedStorageBackend,
    safeStorage.encryptStringAsync,
    safeStorage.decryptStringAsync,
  ])
    fn.mockClear();
}
