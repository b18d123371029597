import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeBrowserWindow, resetElectron } from './fake-electron.js';

vi.mock('electron', async () => (await import('./fake-electron.js')).electron);

const { DEFAULT_WINDOW_STATE, isOnDisplay, readWindowState, WindowStateKeeper, writeWindowState } =
  await import('../../src/main/window-state.js');

const SCREEN = [{ x: 0, y: 0, width: 1920, height: 1080 }];
let dir: string;
let file: string;

beforeEach(async () => {
  resetElectron();
  dir = await mkdtemp(path.join(tmpdir(), 'api-deploy-window-state-'));
  file = path.join(dir, 'window-state.json');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('window state', () => {
  it('is the defaults when there is no file', async () => {
    expect(await readWindowState(file, SCREEN)).toEqual(DEFAULT_WINDOW_STATE);
  });

  it('is the defaults when the file is not JSON, or not a valid state', async () => {
    for (const content of [
      '{ not json',
      '[]',
      '"x"',
      '{"width": "wide", "height": 700}',
      '{"width": 10, "height": 10}',
    ]) {
      await writeFile(file, content);
      expect(await readWindowState(file, SCREEN), content).toEqual(DEFAULT_WINDOW_STATE);
    }
  });

  it('round-trips through an atomic write, leaving no temporary file', async () => {
    const state = { x: 200, y: 100, width: 1100, height: 750, maximized: true };
    await writeWindowState(file, state);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(state);
    expect(await readdir(dir)).toEqual(['window-state.json']);
    expect(await readWindowState(file, SCREEN)).toEqual(state);
  });

  it('restores the place only on a display that is there now: otherwise the size, centred', async () => {
    await writeWindowState(file, { x: 2500, y: 100, width: 1100, height: 750, maximized: false });
    expect(await readWindowState(file, SCREEN)).toEqual({ width: 1100, height: 750, maximized: false });
    const twoScreens = [...SCREEN, { x: 1920, y: 0, width: 1920, height: 1080 }];
    expect(await readWindowState(file, twoScreens)).toMatchObject({ x: 2500, y: 100 });
  });

  it('counts a window as visible only when a good part of it is on a display', () => {
    expect(isOnDisplay({ x: 0, y: 0, width: 1000, height: 700 }, SCREEN)).toBe(true);
    expect(isOnDisplay({ x: 1880, y: 0, width: 1000, height: 700 }, SCREEN)).toBe(false); // 40 px
    expect(isOnDisplay({ x: -900, y: 1060, width: 1000, height: 700 }, SCREEN)).toBe(false);
    expect(isOnDisplay({ x: -900, y: 500, width: 1000, height: 700 }, SCREEN)).toBe(true);
  });

  it('is saved when the window closes: its normal bounds and whether it was maximized', async () => {
    const keeper = new WindowStateKeeper(file);
    const win = new FakeBrowserWindow({ x: 50, y: 60, width: 1200, height: 800 });
    win.maximized = true;
    keeper.track(win as never);
    win.close();
    await keeper.flushed();
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
      x: 50,
      y: 60,
      width: 1200,
      height: 800,
      maximized: true,
    });
  });

  it('a failed write is reported, not thrown', async () => {
    const onError = vi.fn();
    const keeper = new WindowStateKeeper(path.join(dir, 'not-a-folder.json', 'x', 'state.json'), onError);
    await writeFile(path.join(dir, 'not-a-folder.json'), '');
    keeper.save(DEFAULT_WINDOW_STATE);
    await keeper.flushed();
    expect(onError).toHaveBeenCalledOnce();
  });
});
