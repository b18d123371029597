import { Menu, Tray, type MenuItemConstructorOptions, type NativeImage } from 'electron';
import type { DesktopFolder } from '../shared/bridge.js';

/** What the tray and the menu say about the server. */
export interface ServerStatus {
  state: 'starting' | 'running' | 'stopped';
  url?: string;
  endpoints: number;
  /** Modules that failed to load. */
  failed: number;
  workspace?: string;
}

export interface MenuActions {
  openPanel(): void;
  openFolder(which: DesktopFolder): void;
  chooseWorkspace(): void;
  quit(): void;
}

/** One line each: the server's state and URL, its endpoints, and failures if any. */
export function statusLines(status: ServerStatus): string[] {
  if (status.state === 'starting') return ['Server starting…'];
  if (status.state === 'stopped' || !status.url) return ['Server stopped'];
  return [
    `Serving at ${status.url}`,
    `${status.endpoints} endpoint${status.endpoints === 1 ? '' : 's'}` +
      (status.failed ? `, ${status.failed} module${status.failed === 1 ? '' : 's'} failed to load` : ''),
  ];
}

/** The items the tray and the app menu share: status, open panel and folders, workspace, quit. */
export function commandItems(status: ServerStatus, actions: MenuActions): MenuItemConstructorOptions[] {
  const running = status.state === 'running';
  return [
    ...statusLines(status).map((label): MenuItemConstructorOptions => ({ label, enabled: false })),
    { type: 'separator' },
    { label: 'Open panel', enabled: running, click: () => actions.openPanel() },
    { label: 'Open logs folder', click: () => actions.openFolder('logs') },
    { label: 'Open APIs folder', click: () => actions.openFolder('apis') },
    { type: 'separator' },
    { label: 'Choose workspace…', click: () => actions.chooseWorkspace() },
    { type: 'separator' },
    { label: 'Quit', accelerator: 'CmdOrCtrl+Q', click: () => actions.quit() },
  ];
}

export function trayMenuTemplate(status: ServerStatus, actions: MenuActions): MenuItemConstructorOptions[] {
  return commandItems(status, actions);
}

/**
 * The application menu: the app's commands under "API Deploy" (the app menu on macOS), and the
 * standard Edit (copy and paste in the editor need it on macOS), View and Window menus.
 */
export function appMenuTemplate(
  status: ServerStatus,
  actions: MenuActions,
  options: { platform: NodeJS.Platform; dev: boolean },
): MenuItemConstructorOptions[] {
  const commands = commandItems(status, actions);
  const mac = options.platform === 'darwin';
  const app: MenuItemConstructorOptions = {
    label: 'API Deploy',
    submenu: mac
      ? [
          { role: 'about' },
          { type: 'separator' },
          ...commands.slice(0, -1),
          { role: 'hide' },
          { role: 'hideOthers' },
          { role: 'unhide' },
          { type: 'separator' },
          ...commands.slice(-1),
        ]
      : commands,
  };
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      { role: 'reload' },
      ...(options.dev ? [{ role: 'toggleDevTools' } as const] : []),
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  return [app, { role: 'editMenu' }, view, { role: 'windowMenu' }];
}

/** The tray icon and the application menu, rebuilt whenever the status changes. */
export class StatusMenus {
  private tray: Tray | undefined;
  private status: ServerStatus = { state: 'starting', endpoints: 0, failed: 0 };

  constructor(
    private readonly actions: MenuActions,
    private readonly options: { icon: () => NativeImage; platform: NodeJS.Platform; dev: boolean },
  ) {}

  show(): void {
    if (!this.tray) {
      this.tray = new Tray(this.options.icon());
      this.tray.on('click', () => this.actions.openPanel());
    }
    this.render();
  }

  update(status: ServerStatus): void {
    this.status = status;
    this.render();
  }

  destroy(): void {
    this.tray?.destroy();
    this.tray = undefined;
  }

  private render(): void {
    Menu.setApplicationMenu(Menu.buildFromTemplate(appMenuTemplate(this.status, this.actions, this.options)));
    if (!this.tray) return;
    this.tray.setToolTip(`API Deploy: ${statusLines(this.status).join(', ')}`);
    this.tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(this.status, this.actions)));
  }
}
