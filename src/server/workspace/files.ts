import { createHash } from 'node:crypto';
import {
  link,
  lstat,
  mkdir,
  open,
  readdir,
  readFile,
  realpath,
  rename,
  rm,
  stat,
  unlink,
} from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../core/atomic-write.js';
import { HttpError } from '../core/errors.js';
import { isHelperName, isModuleFileName } from '../load/discover.js';
import type { FileContent, FileEntry } from '../../shared/admin-api.js';

/**
 * The files of the APIs folder as the admin API sees them: a tree, and paths confined to the
 * folder. A path comes from a URL or a JSON body, so it is checked twice: as text (no `..`, no
 * encoded or escaped separators, nothing absolute) and on disk (no symbolic link, anywhere on
 * it, leading out of the folder).
 */

/** Files the admin API may create, change or delete. */
export const WRITABLE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs', '.json'];
/** Folders that are not the user's files: not listed, not readable or writable through the API. */
const HIDDEN_DIRS = new Set(['node_modules', '.git', '.api-deploy-out']);

/** The longest file or folder name file systems take (NAME_MAX), and a path below the folder. */
const MAX_NAME_BYTES = 255;
const MAX_PATH_BYTES = 1024;

/** A path the API refuses: 400 INVALID_PATH. */
const invalidPath = (message: string) => new HttpError('INVALID_PATH', message);

/** A file that is not there: 404 FILE_NOT_FOUND. */
const missing = (relative: string) =>
  new HttpError('FILE_NOT_FOUND', `No file "${relative}" in the APIs folder`);

/** A file already at a path something would be moved to: 409 FILE_EXISTS. */
const alreadyThere = (relative: string) =>
  new HttpError('FILE_EXISTS', `There is already a file "${relative}" in the APIs folder`);

/**
 * A save based on a version of the file that is no longer the one on disk (changed or deleted
 * by something else since it was read): 409 FILE_CHANGED.
 */
const changedSince = (relative: string, deleted: boolean) =>
  new HttpError(
    'FILE_CHANGED',
    deleted
      ? `"${relative}" was deleted since it was opened: nothing was saved`
      : `"${relative}" changed on disk since it was opened: nothing was saved`,
  );

/** A file's version, as reads and saves answer it: a digest of its content. */
export function fileVersion(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('base64url').slice(0, 22);
}

/** A path that passed every check: inside the APIs folder, on disk as well as in text. */
export interface ConfinedPath {
  /** Relative to the APIs folder, forward slashes: what answers show. */
  relative: string;
  /** `apisDir` joined with the path, no link resolved. */
  absolute: string;
  /** Where the file really is (links resolved), inside the real APIs folder. */
  real: string;
  /** The real APIs folder. */
  root: string;
  /** Whether something (a file, folder or link) is at the path. */
  exists: boolean;
}

/**
 * Checks the segments of a path below the APIs folder as text, and returns it joined with `/`.
 * Segments are already percent-decoded once (as Express decodes route params); anything that
 * still looks encoded is refused, so a double-encoded `..` cannot become one later.
 */
export function checkSegments(segments: readonly string[]): string {
  if (segments.length === 0) throw invalidPath('The path is empty');
  const joined = segments.join('/');
  if (Buffer.byteLength(joined) > MAX_PATH_BYTES)
    throw invalidPath(`The path is longer than ${MAX_PATH_BYTES} bytes`);
  for (const segment of segments) {
    if (Buffer.byteLength(segment) > MAX_NAME_BYTES)
      throw invalidPath(`A file or folder name is longer than ${MAX_NAME_BYTES} bytes`);
    if (segment === '')
      throw invalidPath('The path has an empty segment (a leading, double or trailing "/")');
    if (segment === '.' || segment === '..')
      throw invalidPath('The path may not contain "." or ".." segments');
    if (segment.includes('/')) throw invalidPath('The path may not contain an encoded "/"');
    if (segment.includes('\\')) throw invalidPath('The path may not contain "\\"');
    // eslint-disable-next-line no-control-regex -- control characters (NUL first of all) are what is refused
    if (/[\u0000-\u001f\u007f]/.test(segment))
      throw invalidPath('The path may not contain control characters');
    if (segment.includes(':')) throw invalidPath('The path may not contain ":"');
    if (/%[0-9a-f]{2}/i.test(segment))
      throw invalidPath('The path may not contain percent-encoded characters');
    if (HIDDEN_DIRS.has(segment)) throw invalidPath(`"${segment}" is not part of the API files`);
  }
  return joined;
}

/** A path as text, e.g. from a JSON body: split on `/` and checked like a URL's segments. */
export const checkPathText = (text: string): string[] => {
  const segments = text.split('/');
  checkSegments(segments);
  return segments;
};

const errnoOf = (error: unknown) => (error as NodeJS.ErrnoException).code;

export function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return (
    relative === '' ||
    (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative))
  );
}

/**
 * Resolves checked segments below `apisDir` on disk: the deepest part of the path that exists
 * (the file itself, or a folder above it) is resolved with `realpath`, and must be inside the
 * real APIs folder. So a link anywhere on the path, or the file being a link, that leads out
 * is refused, as is a link that leads nowhere.
 */
export async function confine(apisDir: string, segments: readonly string[]): Promise<ConfinedPath> {
  const relative = checkSegments(segments);
  const absolute = path.join(apisDir, ...segments);
  if (!isInside(apisDir, absolute) || absolute === apisDir) {
    throw invalidPath('The path leads outside the APIs folder');
  }
  const root = await realpath(apisDir).catch((error: unknown) => {
    if (errnoOf(error) === 'ENOENT') throw missing(relative);
    throw error;
  });
  let existing = absolute;
  for (;;) {
    try {
      await lstat(existing);
      break;
    } catch (error) {
      if (errnoOf(error) !== 'ENOENT' && errnoOf(error) !== 'ENOTDIR') throw error;
      existing = path.dirname(existing);
      if (existing === apisDir) break;
    }
  }
  let real: string;
  try {
    real = await realpath(existing);
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'ENOENT' || code === 'ELOOP' || code === 'ENOTDIR') {
      throw invalidPath('The path goes through a symbolic link that leads nowhere');
    }
    throw error;
  }
  if (!isInside(root, real)) {
    throw invalidPath('The path leads outside the APIs folder through a symbolic link');
  }
  return {
    relative,
    absolute,
    real: path.join(real, path.relative(existing, absolute)),
    root,
    exists: existing === absolute,
  };
}

/** Whether a file may be written (or deleted) through the API, by its extension. */
export function checkWritable(relative: string): void {
  if (!WRITABLE_EXTENSIONS.includes(path.extname(relative))) {
    throw invalidPath(`Only ${WRITABLE_EXTENSIONS.join(' ')} files can be written or deleted`);
  }
}

/**
 * Creates the parent folders of a confined path that is not there yet, and answers where the
 * entry goes: its real parent folder (checked again after creating it, in case a link
 * appeared meanwhile) joined with its name.
 */
async function prepareNewEntry(target: ConfinedPath): Promise<string> {
  try {
    await mkdir(path.dirname(target.real), { recursive: true });
  } catch (error) {
    if (errnoOf(error) === 'EEXIST' || errnoOf(error) === 'ENOTDIR') {
      throw invalidPath('A part of the path is a file, not a folder');
    }
    throw error;
  }
  const parent = await realpath(path.dirname(target.real));
  if (!isInside(target.root, parent)) {
    throw invalidPath('The path leads outside the APIs folder through a symbolic link');
  }
  return path.join(parent, path.basename(target.real));
}

/** The entry at an existing confined path itself (a link, not what it points to), in its real folder. */
async function existingEntry(target: ConfinedPath): Promise<string> {
  if (!target.exists) throw missing(target.relative);
  const parent = await realpath(path.dirname(target.absolute));
  if (!isInside(target.root, parent)) {
    throw invalidPath('The path leads outside the APIs folder through a symbolic link');
  }
  const entry = path.join(parent, path.basename(target.absolute));
  if ((await lstat(entry)).isDirectory()) throw invalidPath('The path is a folder, not a file');
  return entry;
}

/**
 * Writes `content` to a confined path atomically: a temporary file in the same folder, flushed
 * to disk, then renamed over the file, so a reader (or the watcher) sees the old file or the
 * new one, never half of it, and a crash loses nothing. Parent folders are created; the folder
 * is checked again after that, in case a link appeared meanwhile. An existing file keeps its mode.
 *
 * With `baseVersion` (the version the text was edited from) the write happens only if the file
 * on disk is still that version, so an edit made elsewhere meanwhile is not overwritten
 * unseen; `null` means the file must not exist yet. Answers the version written.
 */
export async function writeConfined(
  target: ConfinedPath,
  content: string,
  baseVersion?: string | null,
): Promise<string> {
  let file = target.real;
  if (!target.exists) {
    if (typeof baseVersion === 'string') throw changedSince(target.relative, true);
    file = await prepareNewEntry(target);
  } else if ((await stat(file)).isDirectory()) {
    throw invalidPath('The path is a folder, not a file');
  } else if (baseVersion === null) {
    throw alreadyThere(target.relative);
  } else if (baseVersion !== undefined && fileVersion(await readFile(file)) !== baseVersion) {
    throw changedSince(target.relative, false);
  }
  await writeFileAtomic(file, content);
  return fileVersion(content);
}

/** Deletes the file at a confined path (a link itself, not what it points to). */
export async function deleteConfined(target: ConfinedPath): Promise<void> {
  await rm(await existingEntry(target));
}

/**
 * Moves the file at a confined path to another (a link itself, not what it points to). The
 * target must not exist, and never is overwritten, even if it appears meanwhile: the file is
 * linked at its new path (which fails if something is there) and then unlinked from the old
 * one. Where hard links are not possible (some file systems), one `rename`, after a check.
 * Its parent folders are created.
 */
export async function renameConfined(from: ConfinedPath, to: ConfinedPath): Promise<void> {
  const source = await existingEntry(from);
  if (to.exists) throw alreadyThere(to.relative);
  const destination = await prepareNewEntry(to);
  try {
    await link(source, destination);
  } catch (error) {
    if (errnoOf(error) === 'EEXIST') throw alreadyThere(to.relative);
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'EMLINK'].includes(errnoOf(error) ?? '')) throw error;
    await rename(source, destination);
    return;
  }
  await unlink(source);
}

/** Reads a file at a confined path. */
export async function readConfined(target: ConfinedPath): Promise<FileContent> {
  if (!target.exists) throw missing(target.relative);
  const handle = await open(target.real, 'r').catch((error: unknown) => {
    if (errnoOf(error) === 'ENOENT') throw missing(target.relative);
    throw error;
  });
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw invalidPath('The path is a folder, not a file');
    const bytes = await handle.readFile();
    return {
      path: target.relative,
      content: bytes.toString('utf8'),
      modified: info.mtime.toISOString(),
      version: fileVersion(bytes),
    };
  } finally {
    await handle.close();
  }
}

/**
 * The tree of the APIs folder: folders first, then files, each by name. A file that the
 * runtime serves says which module it is; helpers (`_` or `.` names, or inside such a folder)
 * have none. node_modules and build output are left out, as are symbolic links, except links
 * to a file inside the folder (listed, but, like the loader, not as a module).
 */
export async function listTree(apisDir: string): Promise<FileEntry[]> {
  let root: string;
  try {
    root = await realpath(apisDir);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return [];
    throw error;
  }
  async function walk(dir: string, segments: string[], helper: boolean): Promise<FileEntry[]> {
    const entries = await readdir(dir, { withFileTypes: true });
    const dirs: FileEntry[] = [];
    const files: FileEntry[] = [];
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (HIDDEN_DIRS.has(entry.name)) continue;
      const full = path.join(dir, entry.name);
      const relative = [...segments, entry.name].join('/');
      if (entry.isDirectory()) {
        const children = await walk(full, [...segments, entry.name], helper || isHelperName(entry.name));
        dirs.push({ path: relative, type: 'dir', children });
        continue;
      }
      let served = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = await realpath(full).catch(() => undefined);
        if (!target || !isInside(root, target)) continue;
        served = false;
      } else if (!entry.isFile()) {
        continue;
      }
      const info = await stat(full).catch(() => undefined);
      if (!info?.isFile()) continue;
      const module =
        served && !helper && isModuleFileName(entry.name)
          ? relative.slice(0, -path.extname(entry.name).length)
          : undefined;
      files.push({
        path: relative,
        type: 'file',
        size: info.size,
        modified: info.mtime.toISOString(),
        ...(module === undefined ? {} : { module }),
      });
    }
    return [...dirs, ...files];
  }
  return walk(root, [], false);
}
