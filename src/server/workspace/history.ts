import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { ReloadResult } from '../../shared/contract.js';
import {
  VERSION_SOURCES,
  type HistoryVersion,
  type HistoryVersionContent,
  type VersionSource,
} from '../../shared/admin-api.js';
import { writeFileAtomic } from '../core/atomic-write.js';
import { HttpError } from '../core/errors.js';
import type { Logger } from '../logs/logger.js';
import { checkSegments, checkWritable, confine, fileVersion } from './files.js';

/**
 * The version history of the APIs folder's files (`.api-deploy/history/` beside the config
 * file): every save through the editor or the files API, every change the watcher sees on disk
 * and every restore is kept as a version of the file, with where it came from and how the
 * reload after it went. A file deleted since keeps its history, and can be brought back from it.
 *
 * On disk, one folder per file, named by a digest of its path (any path fits a file name):
 * `file.json` says which path it is, and each version is `<id>.json` (what the admin API lists)
 * beside `<id>.txt` (its text). Everything is written atomically, the text first, so a version
 * listed always has its text. What is found there is checked (zod): a version that does not read
 * is skipped with a warning, never a crash.
 *
 * Bounded per file by `historyMaxVersions` and `historyMaxBytes`: past either, the oldest
 * versions go (a text bigger than the whole byte bound is not kept at all). A text the same as
 * the file's newest version is not kept again.
 */

export interface HistoryLimits {
  maxVersions: number;
  maxBytes: number;
}

export interface HistoryOptions {
  /** The history's folder: `<baseDir>/.api-deploy/history`. */
  root: string;
  /** The bounds in effect (the config's, read at each save). */
  limits: () => HistoryLimits;
  logger?: Logger;
}

const VERSION_ID = /^\d{13,16}$/;
const INDEX_FILE = 'file.json';

const FileIndex = z.object({ path: z.string().min(1) });
const StoredVersion = z.object({
  id: z.string().regex(VERSION_ID),
  path: z.string().min(1),
  time: z.string(),
  source: z.enum(VERSION_SOURCES),
  size: z.number().int().min(0),
  version: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  restoredFrom: z.string().optional(),
  reload: z
    .object({ ok: z.boolean(), generation: z.number().int(), error: z.string().optional() })
    .optional(),
});
type StoredVersion = z.infer<typeof StoredVersion>;

const sha256 = (content: string) => createHash('sha256').update(content).digest('hex');
const folderOf = (relative: string) => sha256(relative).slice(0, 32);
const errnoOf = (error: unknown) => (error as NodeJS.ErrnoException).code;

/** 404 VERSION_NOT_FOUND. */
const noVersion = (relative: string, id: string) =>
  new HttpError('VERSION_NOT_FOUND', `No version "${id}" in the history of "${relative}"`);

/** The longest load error kept with a version. */
const MAX_ERROR_CHARS = 500;

/** How a reload went for one file: its module's load error, if it has one. */
export function reloadOutcome(relative: string, result: ReloadResult): NonNullable<HistoryVersion['reload']> {
  const failure = result.failed.find((failed) => failed.file === relative);
  return failure
    ? { ok: false, generation: result.generation, error: failure.message.slice(0, MAX_ERROR_CHARS) }
    : { ok: true, generation: result.generation };
}

export interface RecordOptions {
  restoredFrom?: string;
  reload?: ReloadResult;
}

export class HistoryStore {
  /** Each file's versions, oldest first, once read. */
  private readonly cache = new Map<string, StoredVersion[]>();
  /** Each file's work, one at a time. */
  private readonly queues = new Map<string, Promise<unknown>>();
  /** Texts the admin API is writing, by file: the watcher seeing them is not a change of its own. */
  private readonly expected = new Map<string, Map<string, number>>();
  private readonly warned = new Set<string>();

  constructor(private readonly options: HistoryOptions) {}

  get root(): string {
    return this.options.root;
  }

  /**
   * Says a text is about to be written to a file by the admin API (which records it itself):
   * until the returned function is called, the watcher seeing it on disk records nothing.
   */
  expect(relative: string, content: string): () => void {
    const hash = sha256(content);
    const texts = this.expected.get(relative) ?? new Map<string, number>();
    this.expected.set(relative, texts);
    texts.set(hash, (texts.get(hash) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const count = (texts.get(hash) ?? 1) - 1;
      if (count > 0) texts.set(hash, count);
      else texts.delete(hash);
      if (texts.size === 0 && this.expected.get(relative) === texts) this.expected.delete(relative);
    };
  }

  /**
   * Keeps `content` as the newest version of a file, unless it is the newest already. For a
   * change seen on disk, `content` reads the file (in turn with the file's other work, so what
   * is kept is what is there now), and a text the admin API is writing is not kept as `disk`.
   */
  record(
    relative: string,
    text: string | (() => Promise<string | undefined>),
    source: VersionSource,
    { restoredFrom, reload }: RecordOptions = {},
  ): Promise<HistoryVersion | undefined> {
    return this.serial(relative, async () => {
      const content = typeof text === 'string' ? text : await text();
      if (content === undefined) return undefined;
      const hash = sha256(content);
      if (source === 'disk' && this.expected.get(relative)?.has(hash)) return undefined;
      const versions = await this.versionsOf(relative);
      const newest = versions.at(-1);
      if (newest?.sha256 === hash) return undefined;
      const size = Buffer.byteLength(content);
      const { maxBytes, maxVersions } = this.options.limits();
      if (size > maxBytes) {
        this.options.logger?.info(
          { kind: 'system', event: 'history-skipped', path: relative, size, maxBytes },
          `a version of ${relative} is not kept: it is larger than historyMaxBytes`,
        );
        return undefined;
      }
      const now = Date.now();
      const id = String(Math.max(now, newest ? Number(newest.id) + 1 : 0));
      const stored: StoredVersion = {
        id,
        path: relative,
        time: new Date(now).toISOString(),
        source,
        size,
        version: fileVersion(content),
        sha256: hash,
        ...(restoredFrom === undefined ? {} : { restoredFrom }),
        ...(reload === undefined ? {} : { reload: reloadOutcome(relative, reload) }),
      };
      const dir = this.dirOf(relative);
      await mkdir(dir, { recursive: true });
      if (versions.length === 0) {
        await writeFileAtomic(path.join(dir, INDEX_FILE), `${JSON.stringify({ path: relative })}\n`);
      }
      await writeFileAtomic(path.join(dir, `${id}.txt`), content);
      await writeFileAtomic(path.join(dir, `${id}.json`), `${JSON.stringify(stored)}\n`);
      versions.push(stored);
      await this.evict(relative, versions, { maxBytes, maxVersions });
      return publicOf(stored);
    });
  }

  /** A file's versions, newest first (none for a file without a history). */
  async list(relative: string): Promise<HistoryVersion[]> {
    const versions = await this.serial(relative, () => this.versionsOf(relative));
    return versions.map(publicOf).reverse();
  }

  /** One version with its text; 404 VERSION_NOT_FOUND if the file's history has none of that id. */
  async read(relative: string, id: string): Promise<HistoryVersionContent> {
    if (!VERSION_ID.test(id)) throw noVersion(relative, id);
    return this.serial(relative, async () => {
      const stored = (await this.versionsOf(relative)).find((version) => version.id === id);
      if (!stored) throw noVersion(relative, id);
      let content: string;
      try {
        content = await readFile(path.join(this.dirOf(relative), `${id}.txt`), 'utf8');
      } catch (error) {
        if (errnoOf(error) === 'ENOENT') throw noVersion(relative, id);
        throw error;
      }
      return { ...publicOf(stored), content };
    });
  }

  /** Every file with a history: its path, how many versions, when the newest was kept. */
  async files(): Promise<{ path: string; versions: number; latest: string }[]> {
    let folders: string[];
    try {
      folders = await readdir(this.options.root);
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return [];
      throw error;
    }
    const found: { path: string; versions: number; latest: string }[] = [];
    for (const folder of folders) {
      const relative = await this.pathOf(folder);
      if (relative === undefined) continue;
      const versions = await this.serial(relative, () => this.versionsOf(relative));
      const newest = versions.at(-1);
      if (newest) found.push({ path: relative, versions: versions.length, latest: newest.time });
    }
    return found.sort((a, b) => a.path.localeCompare(b.path));
  }

  private dirOf(relative: string): string {
    return path.join(this.options.root, folderOf(relative));
  }

  /** The path a history folder is of, from its `file.json`; undefined when it does not read. */
  private async pathOf(folder: string): Promise<string | undefined> {
    if (!/^[0-9a-f]{32}$/.test(folder)) return undefined;
    const file = path.join(this.options.root, folder, INDEX_FILE);
    try {
      const parsed = FileIndex.safeParse(JSON.parse(await readFile(file, 'utf8')));
      if (parsed.success && folderOf(parsed.data.path) === folder) return parsed.data.path;
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return undefined;
    }
    this.warn(file);
    return undefined;
  }

  /** The versions of a file, oldest first: from the cache, or read from its folder. */
  private async versionsOf(relative: string): Promise<StoredVersion[]> {
    const cached = this.cache.get(relative);
    if (cached) return cached;
    const dir = this.dirOf(relative);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (error) {
      if (errnoOf(error) !== 'ENOENT') throw error;
      names = [];
    }
    const versions: StoredVersion[] = [];
    for (const name of names) {
      const id = /^(\d{13,16})\.json$/.exec(name)?.[1];
      if (!id) continue;
      const file = path.join(dir, name);
      try {
        const parsed = StoredVersion.safeParse(JSON.parse(await readFile(file, 'utf8')));
        if (parsed.success && parsed.data.id === id && parsed.data.path === relative) {
          versions.push(parsed.data);
          continue;
        }
      } catch {
        // not JSON: warned below
      }
      this.warn(file);
    }
    versions.sort((a, b) => Number(a.id) - Number(b.id));
    this.cache.set(relative, versions);
    return versions;
  }

  /** Drops the oldest versions past either bound (`versions` is the cached list, changed in place). */
  private async evict(relative: string, versions: StoredVersion[], limits: HistoryLimits): Promise<void> {
    let bytes = 0;
    let keep = 0;
    for (let index = versions.length - 1; index >= 0; index--) {
      bytes += versions[index]!.size;
      if (keep >= limits.maxVersions || bytes > limits.maxBytes) break;
      keep++;
    }
    const gone = versions.splice(0, versions.length - keep);
    const dir = this.dirOf(relative);
    for (const version of gone) {
      // The listing first: a version is either listed with its text, or not at all.
      await rm(path.join(dir, `${version.id}.json`), { force: true });
      await rm(path.join(dir, `${version.id}.txt`), { force: true });
    }
  }

  private serial<T>(relative: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(relative) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.queues.set(relative, settled);
    void settled.then(() => {
      if (this.queues.get(relative) === settled) this.queues.delete(relative);
    });
    return next;
  }

  private warn(file: string): void {
    if (this.warned.has(file)) return;
    this.warned.add(file);
    this.options.logger?.warn(
      { kind: 'system', event: 'history-unreadable', file: path.relative(this.options.root, file) },
      'a file of the version history does not read and is skipped',
    );
  }
}

/**
 * Records the files the watcher saw change (absolute paths) that the admin API could write, as
 * `disk` versions, each read as it is on disk now. Deleted files and folders are left out.
 */
export async function recordDiskChanges(
  history: HistoryStore,
  apisDir: string,
  changed: readonly string[],
  reload: ReloadResult,
): Promise<void> {
  for (const file of new Set(changed)) {
    const relative = path.relative(apisDir, file);
    if (!relative || relative.startsWith('..') || path.isAbsolute(relative)) continue;
    const segments = relative.split(path.sep);
    try {
      checkWritable(checkSegments(segments));
    } catch {
      continue;
    }
    const read = async () => {
      const target = await confine(apisDir, segments);
      if (!target.exists) return undefined;
      const info = await stat(target.real);
      return info.isFile() ? readFile(target.real, 'utf8') : undefined;
    };
    await history.record(segments.join('/'), () => read().catch(() => undefined), 'disk', { reload });
  }
}

function publicOf({ sha256: _hash, ...version }: StoredVersion): HistoryVersion {
  return version;
}
