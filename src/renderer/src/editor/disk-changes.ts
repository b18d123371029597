/**
 * The open file changing on disk behind the editor's back (another editor, git, a script): how
 * a save refused for it is recognised, and the check of the file on disk whenever the file tree
 * says it may have changed. The tree is refetched on every `reloaded` event of the runtime (the
 * watcher saw a file change) and on window focus, so its modification time of the open file is
 * the cue; the file's `version` decides.
 */
import { useEffect } from 'react';
import type { FileContent } from '../../../shared/admin-api.js';
import { ApiError, adminRequest } from '../api/client.js';
import type { Session } from '../session.js';
import { fileUrl } from './files.js';

/** What the editor learnt of the file on disk, to show above the editor. */
export type DiskChange =
  /** The document was clean and took the new text from disk. */
  | { kind: 'reloaded' }
  /** The file changed (or was deleted) on disk while it has unsaved changes, or a save was refused for it. */
  | { kind: 'conflict'; deleted: boolean };

/** The part of the open document that follows the file on disk. */
export interface DiskSynced {
  /** The text in the editor. */
  value: string;
  /** The text on disk, as last loaded or saved. */
  saved: string;
  /** The version of `saved` (a digest): a save is based on it. */
  version?: string;
  /** The file's modification time when it was last read (a save of ours leaves it: the next read sets it). */
  modified?: string;
  /** Counts the loads from disk (a revert is one): the editor then takes `value` as its text. */
  revision: number;
  disk?: DiskChange;
}

/** The conflict a save refused with 409 FILE_CHANGED means, or undefined for another error. */
export function conflictOf(error: unknown): DiskChange | undefined {
  if (!(error instanceof ApiError) || error.code !== 'FILE_CHANGED') return undefined;
  // The code is the same for both: the server's text says "... was deleted since it was opened".
  return { kind: 'conflict', deleted: /\bwas deleted\b/.test(error.message) };
}

/**
 * The document once the file on disk (null: deleted) is known. Clean, it takes the new text
 * (a new `revision` makes the editor show it); with unsaved changes, the text is kept and the
 * conflict is told. The version it was loaded or saved as is no change: our own save, or a touch.
 */
export function reconcile<S extends DiskSynced>(doc: S, onDisk: FileContent | null, revision: number): S {
  if (onDisk === null) return { ...doc, disk: { kind: 'conflict', deleted: true } };
  if (onDisk.version === doc.version) {
    // A conflict seen before is gone (the file was put back as it was).
    return { ...doc, modified: onDisk.modified, disk: doc.disk?.kind === 'conflict' ? undefined : doc.disk };
  }
  if (doc.value !== doc.saved) return { ...doc, disk: { kind: 'conflict', deleted: false } };
  return {
    ...doc,
    value: onDisk.content,
    saved: onDisk.content,
    version: onDisk.version,
    modified: onDisk.modified,
    revision,
    disk: { kind: 'reloaded' },
  };
}

/**
 * Reads the open file again when the tree's modification time of it (`listed`; null: not in
 * the tree, undefined: tree not loaded) differs from the one it was read at (`known`), and hands
 * the file (null: 404, deleted) to `found`. Nothing is read while a save of ours is in flight:
 * the check runs again once it is done, `busy` being a dependency.
 */
export function useDiskCheck({
  session,
  path,
  ready,
  busy,
  known,
  listed,
  found,
}: {
  session: Session;
  path: string | undefined;
  ready: boolean;
  busy: boolean;
  known: string | undefined;
  listed: string | null | undefined;
  found: (path: string, onDisk: FileContent | null) => void;
}): void {
  useEffect(() => {
    if (path === undefined || !ready || busy || listed === undefined || listed === known) return;
    const abort = new AbortController();
    adminRequest<FileContent>(session, 'GET', fileUrl(path), { signal: abort.signal }).then(
      (file) => {
        if (!abort.signal.aborted) found(path, file);
      },
      (error: unknown) => {
        // Other failures (the server unreachable a moment) tell nothing of the file: ignored.
        if (!abort.signal.aborted && error instanceof ApiError && error.status === 404) found(path, null);
      },
    );
    return () => abort.abort();
  }, [session, path, ready, busy, known, listed, found]);
}
