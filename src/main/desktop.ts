import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { app, ipcMain, screen, shell } from 'electron';
import type { Runtime, SessionToken } from '../server/index.js';
import type { DesktopFolder, DesktopSession, WorkspaceChoice } from '../shared/bridge.js';
import { dialogFaults, type Log } from './faults.js';
import { registerBridge, watchStrayMessages } from './ipc.js';
import { claimSingleInstance, gracefulQuit } from './lifecycle.js';
import { StatusMenus, type ServerStatus } from './menu.js';
import { parseCommandLine, RuntimeHost } from './runtime-host.js';
import { safeStorageCipher } from './secret-cipher.js';
import { trayIcon } from './tray-icon.js';
import { denyPermissions, MainWindow, originOf } from './window.js';
import { readWindowState, WindowStateKeeper } from './window-state.js';
import {
  adoptWorkspace,
  askFirstWorkspace,
  askWorkspaceFolder,
  rememberWorkspace,
  resolveWorkspace,
  workspaceAt,
  type Workspace,
  type WorkspaceTemplate,
} from './workspace.js';

export interface DesktopOptions {
  /** The build output folder: out/main (this bundle), out/preload, out/renderer, out/server. */
  outDir: string;
  log: Log;
  /** electron-vite's renderer dev server (`ELECTRON_RENDERER_URL`, development only). */
  devRendererUrl?: string;
  /** The app's arguments (`--config`, `--host`, `--port`, `--apis`, as `npm run serve` takes). */
  argv?: readonly string[];
  /** Where the runtime's log lines also go (the terminal, in development). */
  stdout?: NodeJS.WritableStream;
}

/** The app session's admin credential: random per launch, in memory only. */
export const newSessionToken = (): SessionToken => ({
  token: randomBytes(32).toString('base64url'),
  label: 'desktop app',
});

/**
 * The address this machine reaches the runtime on: a runtime listening on every interface
 * (`0.0.0.0`, `[::]`) is reached, and shown, on the loopback address (Chromium refuses 0.0.0.0).
 */
export function localUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.hostname === '0.0.0.0') parsed.hostname = '127.0.0.1';
  else if (parsed.hostname === '[::]') parsed.hostname = '[::1]';
  else return url;
  return parsed.origin;
}

/**
 * A path inside the app's asar archive, moved to its unpacked copy when there is one: a worker
 * thread cannot start from a file inside the archive.
 */
export function unpacked(file: string): string {
  const moved = file.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1');
  return moved !== file && existsSync(moved) ? moved : file;
}

/**
 * The desktop app: hosts the runtime on the workspace, shows the panel (served by the runtime)
 * in a window, keeps the tray and the menu current, answers the preload's bridge, and quits
 * gracefully. Each concern lives in its module; this wires them.
 */
export class DesktopApp {
  readonly session = newSessionToken();
  private readonly host: RuntimeHost;
  private readonly menus: StatusMenus;
  private readonly keeper: WindowStateKeeper;
  private window: MainWindow | undefined;
  private workspace: Workspace | undefined;
  private switching = false;
  private opening: Promise<void> | undefined;
  private readonly log: Log;

  private readonly configFlag: string | undefined;

  constructor(private readonly options: DesktopOptions) {
    this.log = options.log;
    const commandLine = parseCommandLine(options.argv ?? []);
    this.configFlag = commandLine.config;
    this.host = new RuntimeHost({
      flags: commandLine.flags,
      outDir: options.outDir,
      workerFile: unpacked(path.join(options.outDir, 'server', 'worker.js')),
      sessionToken: this.session,
      faults: dialogFaults(options.log),
      stdout: options.stdout,
      extraCorsOrigins: this.devOrigin ? [this.devOrigin] : [],
      secretCipher: () => safeStorageCipher({ warn: (message) => this.log.warn(message) }),
    });
    this.keeper = new WindowStateKeeper(path.join(app.getPath('userData'), 'window-state.json'), (error) =>
      this.log.warn('could not save the window state', error),
    );
    this.menus = new StatusMenus(
      {
        openPanel: () => void this.showWindow(),
        openFolder: (which) => void this.openFolder(which).catch((error: unknown) => this.log.warn(error)),
        chooseWorkspace: () => void this.chooseWorkspace().catch((error: unknown) => this.log.error(error)),
        quit: () => app.quit(),
      },
      { icon: trayIcon, platform: process.platform, dev: !app.isPackaged },
    );
  }

  private get devOrigin(): string | undefined {
    return this.options.devRendererUrl ? originOf(this.options.devRendererUrl) : undefined;
  }

  /** The origins the window may show and the bridge answers: the runtime's (and the dev server's). */
  readonly origins = (): string[] => {
    const url = this.runtimeUrl();
    return [url && originOf(url), this.devOrigin].filter((origin): origin is string => !!origin);
  };

  /** The runtime's base URL as the window reaches it, while it runs. */
  private runtimeUrl(): string | undefined {
    const url = this.host.runtime?.url;
    return url ? localUrl(url) : undefined;
  }

  get runtime(): Runtime | undefined {
    return this.host.runtime;
  }

  /**
   * Takes the single-instance lock and installs the app's handlers; false when another instance
   * runs (it shows its window; this one quits).
   */
  install(): boolean {
    if (!claimSingleInstance(app, () => void this.showWindow())) return false;
    gracefulQuit(
      app,
      {
        closeWindow: () => this.window?.close() ?? Promise.resolve(true),
        flush: () => this.keeper.flushed(),
        stopRuntime: async () => {
          await this.host.stop();
          this.menus.destroy();
        },
      },
      this.log,
    );
    app.on('window-all-closed', () => {
      if (process.platform !== 'darwin') app.quit();
    });
    app.on('activate', () => void this.showWindow());
    registerBridge(
      ipcMain,
      {
        getSession: () => this.getSession(),
        chooseWorkspace: () => this.chooseWorkspace(),
        openFolder: (which) => this.openFolder(which),
      },
      { contents: () => this.window?.webContents, origins: this.origins },
      this.log,
    );
    return true;
  }

  /** Once the app is ready: the workspace, the runtime, the tray and menu, the window. */
  async start(): Promise<void> {
    this.menus.show();
    const userData = app.getPath('userData');
    const configFile = this.configFlag && path.resolve(this.configFlag);
    const workspace = configFile
      ? workspaceAt(path.dirname(configFile), configFile)
      : await resolveWorkspace({
          isPackaged: app.isPackaged,
          appDir: app.getAppPath(),
          settingsFile: path.join(userData, 'settings.json'),
          defaultDir: path.join(app.getPath('documents'), 'API Deploy'),
          template: this.template(),
          firstRun: askFirstWorkspace,
        });
    if (!workspace) return app.quit();
    if (!(await this.startOn(workspace))) return app.quit();
    await this.showWindow();
  }

  private async startOn(workspace: Workspace): Promise<Runtime | undefined> {
    this.workspace = workspace;
    this.menus.update({ state: 'starting', endpoints: 0, failed: 0, workspace: workspace.dir });
    const runtime = await this.host.start(workspace);
    if (!runtime) return undefined;
    const update = () => this.menus.update(statusOf(runtime, workspace));
    runtime.events.on('reloaded', update);
    runtime.events.on('configChanged', update);
    update();
    this.log.info(`serving ${workspace.dir} at ${runtime.url}`);
    return runtime;
  }

  /** The panel's address: served by the runtime (or the renderer dev server in development). */
  private panelUrl(): string | undefined {
    if (this.options.devRendererUrl) return this.options.devRendererUrl;
    const url = this.runtimeUrl();
    return url ? `${url}/panel/` : undefined;
  }

  /** Shows the window (opening it, if need be, on the panel). */
  showWindow(): Promise<void> {
    if (this.window) {
      this.window.focus();
      return Promise.resolve();
    }
    // Two asks at once (the dock and a second instance, say) open one window.
    this.opening ??= this.openWindow().finally(() => (this.opening = undefined));
    return this.opening;
  }

  private async openWindow(): Promise<void> {
    const url = this.panelUrl();
    if (!url) return;
    const userData = app.getPath('userData');
    const state = await readWindowState(
      path.join(userData, 'window-state.json'),
      screen.getAllDisplays().map((display) => display.workArea),
    );
    const window = new MainWindow({
      preloadPath: path.join(this.options.outDir, 'preload', 'index.cjs'),
      state,
      version: app.getVersion(),
      origins: this.origins,
    });
    this.window = window;
    this.keeper.track(window.win);
    denyPermissions(window.webContents.session, this.origins);
    watchStrayMessages(window.webContents, this.log);
    window.win.on('closed', () => {
      if (this.window === window) this.window = undefined;
    });
    await window.load(url).catch((error: unknown) => this.log.error(`could not load ${url}`, error));
  }

  getSession(): DesktopSession {
    const runtimeUrl = this.runtimeUrl();
    if (!runtimeUrl) throw new Error('the server is not running');
    return { runtimeUrl, adminToken: this.session.token };
  }

  /** A folder of the workspace: the modules and logs where the running config puts them. */
  folder(which: DesktopFolder): string | undefined {
    const config = this.host.runtime?.config;
    const workspace = this.workspace;
    if (which === 'apis') return config?.apisDir ?? workspace?.apisDir;
    if (which === 'logs') return config ? path.dirname(config.logging.logFilePath) : workspace?.logsDir;
    return workspace?.dir;
  }

  async openFolder(which: DesktopFolder): Promise<void> {
    const folder = this.folder(which);
    if (!folder) throw new Error('no workspace is open');
    await mkdir(folder, { recursive: true });
    const failure = await shell.openPath(folder);
    if (failure) throw new Error(`could not open ${folder}: ${failure}`);
  }

  /**
   * Asks for another workspace folder, makes it one (from the template) if it is not, and
   * restarts the runtime on it; the window then shows the new runtime's panel. If the runtime
   * cannot start there, it starts again on the workspace it had.
   */
  async chooseWorkspace(): Promise<WorkspaceChoice> {
    const current = this.workspace;
    const unchanged = { changed: false, workspace: current?.dir ?? '' };
    if (this.switching) return unchanged;
    this.switching = true;
    try {
      const chosen = await askWorkspaceFolder(current?.dir ?? app.getPath('documents'), this.window?.win);
      if (!chosen || path.resolve(chosen) === current?.dir) return unchanged;
      const settingsFile = path.join(app.getPath('userData'), 'settings.json');
      const next = await adoptWorkspace(chosen, { settingsFile, template: this.template(), remember: false });
      await this.host.stop();
      let runtime = await this.startOn(next);
      // Remembered once it serves; a development run always starts on the repository.
      if (runtime && app.isPackaged) await rememberWorkspace(settingsFile, next);
      if (!runtime && current) {
        this.log.warn(`could not start on ${next.dir}; back to ${current.dir}`);
        runtime = await this.startOn(current);
      }
      if (!runtime) {
        app.quit();
        return unchanged;
      }
      const url = this.panelUrl();
      if (this.window && url) await this.window.load(url);
      else await this.showWindow();
      return { changed: this.workspace?.dir !== current?.dir, workspace: this.workspace?.dir ?? '' };
    } finally {
      this.switching = false;
    }
  }

  /**
   * What a new workspace is made from: the example module and the config file, shipped in
   * `resources/template/` (electron-builder.yml's extraResources) or, in development, the
   * repository's own.
   */
  private template(): WorkspaceTemplate {
    const root = app.isPackaged ? path.join(process.resourcesPath, 'template') : app.getAppPath();
    return {
      module: path.join(root, 'apis', 'template.ts'),
      config: path.join(root, 'api-deploy.config.json'),
    };
  }
}

function statusOf(runtime: Runtime, workspace: Workspace): ServerStatus {
  return {
    state: 'running',
    url: runtime.url && localUrl(runtime.url),
    endpoints: runtime.generation.endpoints.length,
    failed: runtime.generation.failures.size,
    workspace: workspace.dir,
  };
}
