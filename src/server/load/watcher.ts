import { stat } from 'node:fs/promises';
import path from 'node:path';
import { watch } from 'chokidar';

export interface WatchOptions {
  /** Quiet time after the last change before reloading: one reload for a burst of saves. */
  debounceMs?: number;
  /** A save that empties a file is often the first half of a truncate-then-write: wait this long for the rest. */
  emptyFileGraceMs?: number;
  /**
   * chokidar drops a second `change` of a file within 50 ms of the first: this long after each
   * flush (by when that window has closed) the files it read are looked at again, and reloaded
   * if they changed since.
   */
  recheckMs?: number;
}

/** How long chokidar keeps quiet about a file after emitting a `change` of it. */
const CHOKIDAR_CHANGE_THROTTLE_MS = 50;
/**
 * The quiet time that makes one reload of a save: an editor's truncate-then-write, or a rename
 * over the file, comes in events a millisecond or two apart. Every millisecond of it is added to
 * each save's time to a new answer.
 */
const DEBOUNCE_MS = 8;

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
  {
    debounceMs = DEBOUNCE_MS,
    emptyFileGraceMs = 150,
    // The change that opened chokidar's window came at least debounceMs before the flush.
    recheckMs = CHOKIDAR_CHANGE_THROTTLE_MS - debounceMs + 5,
  }: WatchOptions = {},
): { ready: Promise<void>; close(): Promise<void> } {
  const ignored = (file: string, stats?: { isFile(): boolean }) => {
    if (file === apisDir) return false;
    if (path.basename(file).startsWith('.')) return true;
    const segments = path.relative(apisDir, file).split(path.sep);
    if (segments.some((segment) => IGNORED_DIRS.has(segment))) return true;
    return stats?.isFile() === true && !WATCHED.test(file);
  };
  const watcher = watch(apisDir, { ignoreInitial: true, atomic: true, ignored });
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let recheck: NodeJS.Timeout | undefined;
  let graceUsed = false;
  let closed = false;

  const flush = async () => {
    timer = undefined;
    const changed = [...pending];
    const stamps = await stampAll(changed);
    if (closed || timer) return; // closed, or more changes came while stamping: their flush follows
    if (!graceUsed && [...stamps.values()].some((stamp) => stamp.endsWith(':0'))) {
      graceUsed = true;
      timer = setTimeout(() => void flush(), emptyFileGraceMs);
      return;
    }
    pending.clear();
    graceUsed = false;
    onChange(changed);
    clearTimeout(recheck);
    recheck = setTimeout(() => void recheckChanged(stamps), recheckMs);
  };
  const recheckChanged = async (flushed: Map<string, string>) => {
    const now = await stampAll([...flushed.keys()]);
    const missed = [...now].filter(([file, stamp]) => flushed.get(file) !== stamp).map(([file]) => file);
    for (const file of missed) schedule(file);
  };
  const schedule = (file: string) => {
    if (closed) return;
    pending.add(file);
    clearTimeout(timer);
    timer = setTimeout(() => void flush(), debounceMs);
  };
  for (const event of ['add', 'change', 'unlink', 'addDir', 'unlinkDir'] as const) {
    watcher.on(event, (file: string) => {
      if (WATCHED.test(file) || !path.extname(file)) schedule(file);
    });
  }

  return {
    ready: new Promise((resolve) => watcher.once('ready', () => resolve())),
    close: async () => {
      closed = true;
      clearTimeout(timer);
      clearTimeout(recheck);
      await watcher.close();
    },
  };
}

/** Each file's mtime and size (`gone` when deleted, a folder reads as non-empty). */
async function stampAll(files: string[]): Promise<Map<string, string>> {
  const stamps = await Promise.all(
    files.map(async (file) => {
      try {
        const info = await stat(file);
        return [file, info.isFile() ? `${info.mtimeMs}:${info.size}` : 'dir'] as const;
      } catch {
        return [file, 'gone'] as const;
      }
    }),
  );
  return new Map(stamps);
}
