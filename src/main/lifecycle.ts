import type { App } from 'electron';
import type { Log } from './faults.js';

/** The steps of a quit, in order. */
export interface QuitSteps {
  /** Closes the window (its unsaved-changes guard may ask); false when the user chose to stay. */
  closeWindow(): Promise<boolean>;
  /** Waits for what the app still writes (the window state). */
  flush(): Promise<void>;
  /** Stops the runtime: requests in flight finish, workers end, logs are flushed. */
  stopRuntime(): Promise<void>;
}

/** How long stopping may take before the app exits anyway (a function that never ends, say). */
export const STOP_TIMEOUT_MS = 60_000;

/**
 * Quits gracefully. The first `before-quit` is held (preventDefault) while the window closes,
 * the window state is written and the runtime stops; then `app.exit(0)`. A quit while this runs
 * (the menu's Quit again, the window closing) is held too and starts nothing more. If the user
 * stays on a page with unsaved changes, the quit is called off.
 */
export function gracefulQuit(
  app: Pick<App, 'on' | 'exit'>,
  steps: QuitSteps,
  log: Log,
  timeoutMs = STOP_TIMEOUT_MS,
): { readonly quitting: boolean } {
  let state: 'running' | 'quitting' | 'done' = 'running';

  async function quit(): Promise<void> {
    if (!(await steps.closeWindow())) {
      log.info('quit called off: the user stays on unsaved changes');
      state = 'running';
      return;
    }
    let code = 0;
    const timer = setTimeout(() => {
      log.error(`stopping took over ${timeoutMs} ms: exiting anyway`);
      state = 'done';
      app.exit(1);
    }, timeoutMs);
    try {
      await steps.flush();
      await steps.stopRuntime();
      log.info('runtime stopped, exiting');
    } catch (error) {
      log.error('error while stopping', error);
      code = 1;
    } finally {
      clearTimeout(timer);
    }
    if (state === 'done') return;
    state = 'done';
    app.exit(code);
  }

  app.on('before-quit', (event) => {
    if (state === 'done') return;
    event.preventDefault();
    if (state === 'quitting') return;
    state = 'quitting';
    log.info('quitting: closing the window, then stopping the runtime');
    quit().catch((error: unknown) => {
      log.error('quit failed', error);
      state = 'done';
      app.exit(1);
    });
  });

  return {
    get quitting() {
      return state !== 'running';
    },
  };
}

/**
 * Makes this the only running instance: false when another one runs (it is shown instead, and
 * this one should quit). `focus` is called when a second instance starts.
 */
export function claimSingleInstance(
  app: Pick<App, 'requestSingleInstanceLock' | 'on'>,
  focus: () => void,
): boolean {
  if (!app.requestSingleInstanceLock()) return false;
  app.on('second-instance', () => focus());
  return true;
}
