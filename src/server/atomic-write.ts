import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes a file so that a crash at any moment leaves either the old content or the new, never
 * half of it: the text goes to a temporary file beside it, is flushed to disk (fsync), and the
 * temporary file is renamed over the target (atomic within a folder); then the folder itself is
 * flushed so the rename survives a power cut.
 */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const temporary = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`,
  );
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, file);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  const folder = await open(path.dirname(file), 'r');
  try {
    await folder.sync();
  } catch {
    // some file systems cannot sync a folder; the rename is still atomic
  } finally {
    await folder.close();
  }
}
