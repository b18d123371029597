import { randomBytes } from 'node:crypto';
import { open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes a file so that a crash at any moment leaves either the old content or the new, never
 * half of it: the text goes to a temporary file beside it, is flushed to disk (fsync), and the
 * temporary file is renamed over the target (atomic within a folder); then the folder itself is
 * flushed so the rename survives a power cut. An existing file keeps its mode. The temporary
 * file has a dot name, which the module loader and the watcher ignore.
 */
export async function writeFileAtomic(
  file: string,
  content: string,
  /** The file's mode, whatever it was (0o600 for a secrets file); by default an existing file's. */
  { mode: forcedMode }: { mode?: number } = {},
): Promise<void> {
  const dir = path.dirname(file);
  // The file's name, cut so the temporary name stays within a name's 255 bytes.
  const stem = Buffer.from(path.basename(file))
    .subarray(0, 200)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  const temporary = path.join(dir, `.${stem}.${randomBytes(6).toString('hex')}.tmp`);
  const mode =
    forcedMode ??
    (await stat(file).then(
      (info) => info.mode & 0o7777,
      () => undefined,
    ));
  const handle = await open(temporary, 'wx', mode);
  try {
    try {
      await handle.writeFile(content, 'utf8');
      if (mode !== undefined) await handle.chmod(mode); // the umask may have narrowed it
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await syncFolder(dir);
}

/** Flushes a folder's entries (the rename) to disk; not possible everywhere (Windows), so best effort. */
async function syncFolder(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // a folder cannot be opened or synced on this platform: the rename is still atomic
  } finally {
    await handle?.close();
  }
}
