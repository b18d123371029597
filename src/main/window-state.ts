import { z } from 'zod';
import type { BrowserWindow, Rectangle } from 'electron';
import { readJsonFile, writeJsonFile } from './json-file.js';

export const MIN_WIDTH = 900;
export const MIN_HEIGHT = 600;

const windowStateSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(MIN_WIDTH).max(100_000),
  height: z.number().int().min(MIN_HEIGHT).max(100_000),
  maximized: z.boolean().default(false),
});

/** Where and how big the window was: `x` and `y` absent means centred. */
export type WindowState = z.output<typeof windowStateSchema>;

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1280, height: 820, maximized: false };

/** How much of the window must lie on a display for its place to be restored. */
const VISIBLE_WIDTH = 100;
const VISIBLE_HEIGHT = 50;

/** Whether enough of `bounds` lies on one of the displays' work areas to be seen and grabbed. */
export function isOnDisplay(bounds: Rectangle, workAreas: readonly Rectangle[]): boolean {
  return workAreas.some((area) => {
    const width = Math.min(bounds.x + bounds.width, area.x + area.width) - Math.max(bounds.x, area.x);
    const height = Math.min(bounds.y + bounds.height, area.y + area.height) - Math.max(bounds.y, area.y);
    return width >= VISIBLE_WIDTH && height >= VISIBLE_HEIGHT;
  });
}

/**
 * The state to open the window with, from the file (through the schema: a missing or bad file
 * gives the defaults). A place that is on no display now (a screen unplugged since) is dropped,
 * so the window opens centred with its size.
 */
export async function readWindowState(file: string, workAreas: readonly Rectangle[]): Promise<WindowState> {
  const saved = (await readJsonFile(file, windowStateSchema)) ?? DEFAULT_WINDOW_STATE;
  const { x, y, ...rest } = saved;
  if (x === undefined || y === undefined) return rest;
  return isOnDisplay({ x, y, width: saved.width, height: saved.height }, workAreas) ? saved : rest;
}

export function writeWindowState(file: string, state: WindowState): Promise<void> {
  return writeJsonFile(file, state);
}

/** The state of a window as it is now: its bounds when not maximized, and whether it is. */
export function captureWindowState(win: BrowserWindow): WindowState {
  const bounds = win.getNormalBounds();
  return {
    x: bounds.x,
    y: bounds.y,
    width: Math.max(MIN_WIDTH, bounds.width),
    height: Math.max(MIN_HEIGHT, bounds.height),
    maximized: win.isMaximized(),
  };
}

/** Saves a window's state when it closes; `flushed()` waits for the write (quit awaits it). */
export class WindowStateKeeper {
  private writing: Promise<void> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  track(win: BrowserWindow): void {
    win.on('close', () => this.save(captureWindowState(win)));
  }

  save(state: WindowState): void {
    this.writing = this.writing.then(() => writeWindowState(this.file, state)).catch(this.onError);
  }

  flushed(): Promise<void> {
    return this.writing;
  }
}
