import { stat } from 'node:fs/promises';
import path from 'node:path';
import { watch } from 'chokidar';

export interface WatchOptions {
  /** Quiet time after the last change before reloading: one reload for a burst of saves. */
  debounceMs?: number;
  /** A save that empties a file is often the first half of a truncate-then-write: wait this long for the rest. */
  emptyFileGraceMs?: number;
}

/** Files whose change can change a module: sources, and data files a module may import. */
const WATCHED = /\.(?:[cm]?[jt]s|json)$/;
const IGNORED_DIRS = new Set(['node_modules', '.git', '.api-deploy-out']);

/**
 * Watches the APIs folder (chokidar) and calls `onChange` once per burst of changes: add,
 * change, delete and rename of modules and helpers. Editors that save through a temporary file
 * and a rename are seen as one change (chokidar's `atomic`); a save that leaves a file empty is
 * given a moment to be written before the reload, so half a file is not loaded.
 */
export function watchModules(
  apisDir: string,
  onChange: (changed: string[]) => void,
  { debounceMs = 20, emptyFileGraceMs = 150 }: WatchOptions = {},
): { ready: Promise<void>; close(): Promise<void> } {
  const watcher = watch(apisDir, {
    ignoreInitial: true,
    atomic: true,
    ignored: (file, stats) => {
      if (path.basename(file).startsWith('.') && file !== apisDir) return true;
      if (
        path
          .relative(apisDir, file)
          .split(path.sep)
          .some((segment) => IGNORED_DIRS.has(segment))
      )
        return true;
      return stats?.isFile() === true && !WATCHED.test(file);
    },
  });
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let graceUsed = false;

  const flush = async () => {
    timer = undefined;
    const changed = [...pending];
    if (!graceUsed && (await anyEmpty(changed))) {
      graceUsed = true;
      timer = setTimeout(() => void flush(), emptyFileGraceMs);
      return;
    }
    pending.clear();
    graceUsed = false;
    onChange(changed);
  };
  const schedule = (file: string) => {
    if (!WATCHED.test(file) && !(file === apisDir || !path.extname(file))) return;
    pending.add(file);
    clearTimeout(timer);
    timer = setTimeout(() => void flush(), debounceMs);
  };
  for (const event of ['add', 'change', 'unlink', 'addDir', 'unlinkDir'] as const)
    watcher.on(event, schedule);

  return {
    ready: new Promise((resolve) => watcher.once('ready', () => resolve())),
    close: async () => {
      clearTimeout(timer);
      await watcher.close();
    },
  };
}

async function anyEmpty(files: string[]): Promise<boolean> {
  const sizes = await Promise.all(
    files.map((file) =>
      stat(file).then(
        (info) => (info.isFile() ? info.size : 1),
        () => 1, // gone: a delete, nothing to wait for
      ),
    ),
  );
  return sizes.some((size) => size === 0);
}
