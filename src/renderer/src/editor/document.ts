/**
 * The open file of the editor: loading it, the text being edited and whether it differs from
 * the file on disk, saving it (only over the version it was edited from), following changes
 * made on disk meanwhile (disk-changes.ts), and the server's check of the text while it is
 * typed. Also the file actions (rename, delete) with the caches they make stale. No
 * Monaco here: the editor component feeds `setValue` and shows `diagnostics`.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Diagnostic, FileContent, ReloadResult, SavedFile } from '../../../shared/admin-api.js';
import { adminRequest } from '../api/client.js';
import { keys, useSession } from '../api/hooks.js';
import { conflictOf, reconcile, useDiskCheck, type DiskSynced } from './disk-changes.js';
import { fileUrl, isWritable } from './files.js';

/** How long typing pauses before the text is checked by the server. */
export const CHECK_DELAY_MS = 400;

/** The text (`value`, `saved`, `version`...) is in DiskSynced. */
interface LoadedState extends DiskSynced {
  path: string | undefined;
  status: 'loading' | 'ready' | 'error';
  loadError?: unknown;
  /** A new file not saved yet: nothing is on disk until the first save creates it. */
  isNew?: boolean;
}

export interface SaveOptions {
  /** Save even if the file changed or was deleted on disk since it was read (no `baseVersion`). */
  force?: boolean;
}

export interface EditorDocument extends LoadedState {
  dirty: boolean;
  /** Not a file the API may write (a README, a .d.ts...): shown, not edited or checked. */
  readOnly: boolean;
  setValue: (value: string) => void;
  /**
   * Saves the text (PUT) over the version it was edited from; answers the save and its reload,
   * or throws the API's error. Refused because the file changed on disk, it sets `disk`.
   */
  save: (options?: SaveOptions) => Promise<SavedFile | undefined>;
  saving: boolean;
  /** Loads the file again from disk, dropping the changes. */
  revert: () => void;
  /** The server's check of the text (`POST /api/files/check`), of this file and of its helpers. */
  diagnostics: Diagnostic[];
  checking: boolean;
  checkError?: unknown;
}

/**
 * `listed` is the file tree's modification time of the file (null: not in the tree; undefined:
 * the tree is not loaded): when it differs from the one the file was read at, it is read again.
 * `draft` is the text of a new file at `path`, not on disk: it is edited as unsaved, and the
 * first save creates the file (never over one that appeared meanwhile).
 */
export function useEditorDocument(
  path: string | undefined,
  listed?: string | null,
  draft?: string,
): EditorDocument {
  const session = useSession();
  const invalidate = useInvalidateAfterReload();
  const [state, setState] = useState<LoadedState>(() => loading(path));
  const [generation, setGeneration] = useState(0);
  const [saving, setSaving] = useState(false);
  const [diagnostics, setDiagnostics] = useState<Diagnostic[]>([]);
  const [checking, setChecking] = useState(false);
  const [checkError, setCheckError] = useState<unknown>();
  // Until the effect below has run for a new path, the old path's state is not shown.
  const current = state.path === path ? state : loading(path);
  const latest = useRef(current);
  const savingNow = useRef(false);
  // Read when a path is opened (or reverted), not a reason to open it again: a save ends the draft.
  const draftText = useRef(draft);
  useEffect(() => {
    latest.current = current;
    draftText.current = draft;
  });

  useEffect(() => {
    setState(loading(path));
    setDiagnostics([]);
    setCheckError(undefined);
    setChecking(false);
    if (path === undefined) return;
    if (draftText.current !== undefined) {
      const text = draftText.current;
      setState({ path, status: 'ready', value: text, saved: '', isNew: true, revision: ++loads });
      return;
    }
    const abort = new AbortController();
    adminRequest<FileContent>(session, 'GET', fileUrl(path), { signal: abort.signal }).then(
      (file) =>
        setState({
          path,
          status: 'ready',
          value: file.content,
          saved: file.content,
          version: file.version,
          modified: file.modified,
          revision: ++loads,
        }),
      (error: unknown) => {
        if (!abort.signal.aborted) setState({ ...loading(path), status: 'error', loadError: error });
      },
    );
    return () => abort.abort();
  }, [session, path, generation]);

  const readOnly = path === undefined || !isWritable(path);
  const { status, value } = current;

  const found = useCallback((checked: string, onDisk: FileContent | null) => {
    if (savingNow.current) return;
    const revision = ++loads;
    setState((previous) => (previous.path === checked ? reconcile(previous, onDisk, revision) : previous));
  }, []);
  useDiskCheck({
    session,
    path,
    ready: status === 'ready' && !current.isNew,
    busy: saving,
    known: current.modified,
    listed,
    found,
  });

  useEffect(() => {
    if (path === undefined || status !== 'ready' || readOnly) return;
    const abort = new AbortController();
    const timer = setTimeout(() => {
      setChecking(true);
      adminRequest<{ diagnostics: Diagnostic[] }>(session, 'POST', '/api/files/check', {
        body: { path, content: value },
        signal: abort.signal,
      }).then(
        (result) => {
          setDiagnostics(result.diagnostics);
          setCheckError(undefined);
          setChecking(false);
        },
        (error: unknown) => {
          if (abort.signal.aborted) return;
          setCheckError(error);
          setChecking(false);
        },
      );
    }, CHECK_DELAY_MS);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [session, path, status, value, readOnly]);

  const setValue = useCallback(
    (next: string) => {
      // Also at once for `save`: Ctrl+S right after a keystroke comes before React has rendered
      // the text typed, and would save the text before it.
      if (latest.current.path === path) latest.current = { ...latest.current, value: next };
      setState((previous) => (previous.path === path ? { ...previous, value: next } : previous));
    },
    [path],
  );

  const save = useCallback(
    async ({ force = false }: SaveOptions = {}): Promise<SavedFile | undefined> => {
      const { path: saving, status: loaded, value: content, version, isNew } = latest.current;
      if (saving === undefined || loaded !== 'ready' || savingNow.current) return undefined;
      savingNow.current = true;
      setSaving(true);
      const update = (change: Partial<LoadedState>) =>
        setState((previous) => (previous.path === saving ? { ...previous, ...change } : previous));
      try {
        // A new file only where there is none (409 FILE_EXISTS); else over the version edited.
        const body = isNew
          ? { content, baseVersion: null }
          : force
            ? { content }
            : { content, baseVersion: version };
        const result = await adminRequest<SavedFile>(session, 'PUT', fileUrl(saving), {
          body,
        });
        update({ saved: content, version: result.version, disk: undefined, isNew: false });
        invalidate();
        return result;
      } catch (error) {
        const conflict = conflictOf(error);
        if (conflict) update({ disk: conflict });
        throw error;
      } finally {
        savingNow.current = false;
        setSaving(false);
      }
    },
    [session, invalidate],
  );

  const revert = useCallback(() => setGeneration((count) => count + 1), []);

  return {
    ...current,
    dirty: current.status === 'ready' && (current.isNew === true || current.value !== current.saved),
    readOnly,
    setValue,
    save,
    saving,
    revert,
    diagnostics,
    checking,
    checkError,
  };
}

let loads = 0;

function loading(path: string | undefined): LoadedState {
  return { path, status: 'loading', value: '', saved: '', revision: loads };
}

/** A reload changes the registry, the status and (after a create, rename or delete) the tree. */
function useInvalidateAfterReload(): () => void {
  const client = useQueryClient();
  return useCallback(() => {
    for (const key of [keys.registry, keys.status, keys.files])
      void client.invalidateQueries({ queryKey: key });
  }, [client]);
}

export interface RenamedFile {
  from: string;
  to: string;
  reload: ReloadResult;
}

/** Rename and delete; each answers the reload it caused. (A new file is created by its first save.) */
export function useFileActions() {
  const session = useSession();
  const invalidate = useInvalidateAfterReload();
  return {
    rename: useCallback(
      async (from: string, to: string) => {
        const result = await adminRequest<RenamedFile>(session, 'POST', '/api/files/rename', {
          body: { from, to },
        });
        invalidate();
        return result;
      },
      [session, invalidate],
    ),
    remove: useCallback(
      async (path: string) => {
        const result = await adminRequest<ReloadResult>(session, 'DELETE', fileUrl(path));
        invalidate();
        return result;
      },
      [session, invalidate],
    ),
  };
}
