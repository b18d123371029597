import {
  BrowserWindow,
  dialog,
  nativeTheme,
  shell,
  type BrowserWindowConstructorOptions,
  type Session,
  type WebContents,
} from 'electron';
import { VERSION_SWITCH } from '../shared/bridge.js';
import { DEFAULT_WINDOW_STATE, MIN_HEIGHT, MIN_WIDTH, type WindowState } from './window-state.js';

/** The panel's page background (src/renderer/src/styles.css `--bg`), shown before it paints. */
export const BACKGROUND = { light: '#f6f7f9', dark: '#111418' } as const;

export const backgroundColor = () => (nativeTheme.shouldUseDarkColors ? BACKGROUND.dark : BACKGROUND.light);

/**
 * The window's options: a sandboxed renderer with no Node.js, isolated from the preload, which
 * is the only bridge to the main process; web security on; no `<webview>`. The version travels
 * to the sandboxed preload as a command-line switch.
 */
export function windowOptions(
  preloadPath: string,
  state: WindowState = DEFAULT_WINDOW_STATE,
  version = '',
): BrowserWindowConstructorOptions {
  return {
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : { center: true }),
    width: state.width,
    height: state.height,
    minWidth: MIN_WIDTH,
    minHeight: MIN_HEIGHT,
    title: 'API Deploy',
    show: false,
    backgroundColor: backgroundColor(),
    autoHideMenuBar: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      additionalArguments: [`${VERSION_SWITCH}${version}`],
    },
  };
}

/** The origin of a URL, or undefined when it has none (`about:blank`, a bad URL). */
export function originOf(url: string): string | undefined {
  try {
    const { origin } = new URL(url);
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/** Whether a URL belongs to one of the app's own origins (the runtime's, in dev the renderer's). */
export function isTrusted(url: string, origins: readonly string[]): boolean {
  const origin = originOf(url);
  return origin !== undefined && origins.includes(origin);
}

/** Opens an http(s) link in the system's browser; anything else (file:, custom schemes) is dropped. */
export function openExternally(url: string): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    return;
  }
  if (protocol === 'http:' || protocol === 'https:') void shell.openExternal(url);
}

/**
 * Keeps a window's page on the app's origins: a navigation (or redirect) elsewhere is refused,
 * and an http(s) one is opened in the system's browser instead; `window.open` never opens a
 * window (links go to the browser too); `<webview>` is never attached.
 */
export function guardNavigation(contents: WebContents, origins: () => readonly string[]): void {
  const refuse = (event: { preventDefault(): void }, url: string) => {
    if (isTrusted(url, origins())) return;
    event.preventDefault();
    openExternally(url);
  };
  contents.on('will-navigate', (event) => refuse(event, event.url));
  contents.on('will-redirect', (event) => {
    if (!isTrusted(event.url, origins())) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (!isTrusted(url, origins())) openExternally(url);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/**
 * Permission requests and checks are refused: the panel needs no camera, location,
 * notifications... The one exception is writing to the clipboard (`clipboard-sanitized-write`,
 * the panel's Copy buttons) asked by the app's own origins; reading it stays refused.
 */
export function denyPermissions(session: Session, origins: () => readonly string[]): void {
  const allowed = (permission: string, url: string) =>
    permission === 'clipboard-sanitized-write' && isTrusted(url, origins());
  session.setPermissionRequestHandler((contents, permission, callback, details) =>
    callback(allowed(permission, details.requestingUrl ?? contents.getURL())),
  );
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    allowed(permission, requestingOrigin),
  );
}

/**
 * The editor guards unsaved changes with `beforeunload`; Electron then asks the app
 * (`will-prevent-unload`). A dialog lets the user leave (the changes are lost) or stay;
 * `onStay` hears when they stay (a quit in progress is called off).
 */
export function confirmUnload(win: BrowserWindow, onStay: () => void = () => undefined): void {
  win.webContents.on('will-prevent-unload', (event) => {
    const choice = dialog.showMessageBoxSync(win, {
      type: 'question',
      buttons: ['Leave', 'Stay'],
      defaultId: 1,
      cancelId: 1,
      title: 'Unsaved changes',
      message: 'The editor has unsaved changes.',
      detail: 'If you leave now, they are lost.',
    });
    if (choice === 0)
      event.preventDefault(); // ignore beforeunload: unload
    else onStay();
  });
}

export interface MainWindowOptions {
  preloadPath: string;
  state: WindowState;
  version: string;
  /** The origins the window may show: the runtime's (and the renderer dev server's in dev). */
  origins: () => readonly string[];
}

/** How long a closing window may take (its page's unload) before it is destroyed anyway. */
const CLOSE_TIMEOUT_MS = 10_000;

/** The app's one window, showing the control panel, with every guard of this file. */
export class MainWindow {
  readonly win: BrowserWindow;
  private stayed = new Set<() => void>();

  constructor(options: MainWindowOptions) {
    this.win = new BrowserWindow(windowOptions(options.preloadPath, options.state, options.version));
    const { win } = this;
    if (options.state.maximized) win.maximize();
    win.once('ready-to-show', () => win.show());
    guardNavigation(win.webContents, options.origins);
    confirmUnload(win, () => {
      for (const listener of this.stayed) listener();
    });
    const followTheme = () => {
      if (!win.isDestroyed()) win.setBackgroundColor(backgroundColor());
    };
    nativeTheme.on('updated', followTheme);
    win.once('closed', () => nativeTheme.off('updated', followTheme));
  }

  get webContents(): WebContents {
    return this.win.webContents;
  }

  /** Loads a page; the window shows once it is painted, or once the load ends at the latest. */
  load(url: string): Promise<void> {
    const { win } = this;
    return win.loadURL(url).finally(() => {
      if (!win.isDestroyed() && !win.isVisible()) win.show();
    });
  }

  focus(): void {
    if (this.win.isDestroyed()) return;
    if (this.win.isMinimized()) this.win.restore();
    this.win.show();
    this.win.focus();
  }

  /**
   * Closes the window, its page's unload guard included: resolves true once it is closed, false
   * when the user chose to stay. A page that does not answer is destroyed after a while.
   */
  close(): Promise<boolean> {
    const { win } = this;
    if (win.isDestroyed()) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const done = (closed: boolean) => {
        clearTimeout(timer);
        this.stayed.delete(onStay);
        win.off('closed', onClosed);
        resolve(closed);
      };
      const onClosed = () => done(true);
      const onStay = () => done(false);
      const timer = setTimeout(() => {
        if (!win.isDestroyed()) win.destroy();
        done(true);
      }, CLOSE_TIMEOUT_MS);
      this.stayed.add(onStay);
      win.once('closed', onClosed);
      win.close();
    });
  }
}
