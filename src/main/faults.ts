import net from 'node:net';
import { dialog, shell } from 'electron';
import type { StartFaults } from './runtime-host.js';
import { updateConfigFile } from '../server/index.js';

/** What the main process logs through (electron-log's main logger fits). */
export interface Log {
  info(...params: unknown[]): void;
  warn(...params: unknown[]): void;
  error(...params: unknown[]): void;
}

/** Whether a port can be listened on right now. */
export function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.unref();
    probe.once('error', () => resolve(false));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/** The first port after `port` that is free on `host` (up to `tries` of them), or undefined. */
export async function nextFreePort(host: string, port: number, tries = 100): Promise<number | undefined> {
  for (let candidate = port + 1; candidate <= Math.min(65_535, port + tries); candidate++) {
    if (await isPortFree(host, candidate)) return candidate;
  }
  return undefined;
}

/**
 * The port is in use: a dialog offers the next free one (and to save it to the config file,
 * through the same store as the settings API), or to quit. Resolves the port to start on.
 */
export async function offerFreePort(
  problem: { host: string; port: number; configFile?: string },
  log: Log,
): Promise<number | undefined> {
  const { host, port, configFile } = problem;
  const free = await nextFreePort(host, port);
  if (free === undefined) {
    dialog.showErrorBox(
      'API Deploy cannot start',
      `Port ${port} on ${host} is in use, and so are the ones after it. Close the program using it, or set another "port" in ${configFile ?? 'the config file'}.`,
    );
    return undefined;
  }
  const { response, checkboxChecked } = await dialog.showMessageBox({
    type: 'warning',
    title: 'Port in use',
    message: `Port ${port} is already in use`,
    detail: `Another program listens on ${host}:${port}. API Deploy can start on port ${free} instead.`,
    buttons: [`Start on port ${free}`, 'Quit'],
    defaultId: 0,
    cancelId: 1,
    ...(configFile && { checkboxLabel: `Save port ${free} to the config file`, checkboxChecked: false }),
  });
  if (response !== 0) return undefined;
  if (configFile && checkboxChecked) {
    try {
      await updateConfigFile(configFile, (raw) => {
        raw.port = free;
      });
      log.info(`port ${free} saved to ${configFile}`);
    } catch (error) {
      log.warn('could not save the port to the config file', error);
      dialog.showErrorBox(
        'Port not saved',
        `API Deploy starts on port ${free}, but could not save it to ${configFile}: ${(error as Error).message}`,
      );
    }
  }
  return free;
}

/**
 * The config (or anything else start-up needs) cannot be used: a dialog names the problem and
 * offers to open the config file in the system's editor, to try again once it is fixed, or to
 * quit. Opening the file shows the dialog again.
 */
export async function explainStartFailure(
  problem: { message: string; configFile: string },
  log: Log,
): Promise<'retry' | 'quit'> {
  log.error(`cannot start: ${problem.message}`);
  for (;;) {
    const { response } = await dialog.showMessageBox({
      type: 'error',
      title: 'API Deploy cannot start',
      message: 'The server cannot start',
      detail: `${problem.message}\n\nFix the config file, then choose Try again.`,
      buttons: ['Open config file', 'Try again', 'Quit'],
      defaultId: 0,
      cancelId: 2,
    });
    if (response === 1) return 'retry';
    if (response !== 0) return 'quit';
    const failure = await shell.openPath(problem.configFile);
    if (failure) log.warn(`could not open ${problem.configFile}: ${failure}`);
  }
}

/** The desktop's answers to start-up faults: dialogs. */
export const dialogFaults = (log: Log): StartFaults => ({
  portInUse: (problem) => offerFreePort(problem, log),
  cannotStart: (problem) => explainStartFailure(problem, log),
});

/** Logs an error the app did not expect and shows it in a dialog. */
export function showUnexpected(log: Log, kind: string, error: unknown): void {
  log.error(`${kind}:`, error);
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  try {
    dialog.showErrorBox('API Deploy: unexpected error', `${text}\n\nThe details are in the log.`);
  } catch (dialogError) {
    log.error('could not show the error dialog', dialogError);
  }
}

/**
 * An error nobody caught in the main process is logged (electron-log) and shown in a dialog,
 * never a silent exit. The process keeps running: the runtime may still serve.
 */
export function reportUnexpected(log: Log, target: NodeJS.EventEmitter = process): void {
  target.on('uncaughtException', (error: unknown) => showUnexpected(log, 'uncaught exception', error));
  target.on('unhandledRejection', (reason: unknown) => showUnexpected(log, 'unhandled rejection', reason));
}
