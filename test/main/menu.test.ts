import type { MenuItemConstructorOptions } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeTray, Menu, resetElectron } from './fake-electron.js';

vi.mock('electron', async () => (await import('./fake-electron.js')).electron);

const { appMenuTemplate, StatusMenus, statusLines, trayMenuTemplate } =
  await import('../../src/main/menu.js');

const RUNNING = { state: 'running' as const, url: 'http://127.0.0.1:8000', endpoints: 2, failed: 0 };
const actions = () => ({ openPanel: vi.fn(), openFolder: vi.fn(), chooseWorkspace: vi.fn(), quit: vi.fn() });
const click = (items: MenuItemConstructorOptions[], label: string) =>
  (items.find((item) => item.label === label)!.click as () => void)();

beforeEach(() => resetElectron());

describe('tray and menu', () => {
  it('say the server status: URL, endpoints, failures', () => {
    expect(statusLines(RUNNING)).toEqual(['Serving at http://127.0.0.1:8000', '2 endpoints']);
    expect(statusLines({ ...RUNNING, endpoints: 1, failed: 1 })).toEqual([
      'Serving at http://127.0.0.1:8000',
      '1 endpoint, 1 module failed to load',
    ]);
    expect(statusLines({ state: 'starting', endpoints: 0, failed: 0 })).toEqual(['Server starting…']);
    expect(statusLines({ state: 'stopped', endpoints: 0, failed: 0 })).toEqual(['Server stopped']);
  });

  it('offer open panel, the logs and APIs folders, choose workspace, quit', () => {
    const act = actions();
    const items = trayMenuTemplate(RUNNING, act);
    expect(items.filter((item) => item.type !== 'separator').map((item) => item.label)).toEqual([
      'Serving at http://127.0.0.1:8000',
      '2 endpoints',
      'Open panel',
      'Open logs folder',
      'Open APIs folder',
      'Choose workspace…',
      'Quit',
    ]);
    expect(items[0]!.enabled).toBe(false);
    click(items, 'Open panel');
    click(items, 'Open logs folder');
    click(items, 'Open APIs folder');
    click(items, 'Choose workspace…');
    click(items, 'Quit');
    expect(act.openPanel).toHaveBeenCalledOnce();
    expect(act.openFolder.mock.calls).toEqual([['logs'], ['apis']]);
    expect(act.chooseWorkspace).toHaveBeenCalledOnce();
    expect(act.quit).toHaveBeenCalledOnce();
    expect(
      trayMenuTemplate({ state: 'starting', endpoints: 0, failed: 0 }, act).find(
        (item) => item.label === 'Open panel',
      )!.enabled,
    ).toBe(false);
  });

  it('the app menu has the commands and the standard Edit menu (copy and paste), DevTools only in development', () => {
    const linux = appMenuTemplate(RUNNING, actions(), { platform: 'linux', dev: false });
    expect(linux.map((menu) => menu.label ?? menu.role)).toEqual([
      'API Deploy',
      'editMenu',
      'View',
      'windowMenu',
    ]);
    const roles = (menu: MenuItemConstructorOptions) =>
      (menu.submenu as MenuItemConstructorOptions[]).map((item) => item.role ?? item.label);
    expect(roles(linux[0]!)).toContain('Choose workspace…');
    expect(roles(linux[2]!)).not.toContain('toggleDevTools');
    expect(roles(appMenuTemplate(RUNNING, actions(), { platform: 'linux', dev: true })[2]!)).toContain(
      'toggleDevTools',
    );
    const mac = roles(appMenuTemplate(RUNNING, actions(), { platform: 'darwin', dev: false })[0]!);
    expect(mac[0]).toBe('about');
    expect(mac.at(-1)).toBe('Quit');
  });

  it('the tray follows the status; clicking it opens the panel', () => {
    const act = actions();
    const menus = new StatusMenus(act, { icon: () => ({}) as never, platform: 'linux', dev: false });
    menus.show();
    const [tray] = FakeTray.instances;
    expect(tray!.tooltip).toBe('API Deploy: Server starting…');
    menus.update(RUNNING);
    expect(tray!.tooltip).toBe('API Deploy: Serving at http://127.0.0.1:8000, 2 endpoints');
    expect(Menu.setApplicationMenu).toHaveBeenCalledTimes(2);
    tray!.emit('click');
    expect(act.openPanel).toHaveBeenCalledOnce();
    menus.show();
    expect(FakeTray.instances).toHaveLength(1);
    menus.destroy();
    expect(tray!.destroyed).toBe(true);
  });
});
