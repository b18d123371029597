import { FilePlus2, History, Pencil, RotateCcw, Save, Trash2 } from 'lucide-react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useLocation } from 'wouter';
import type { FileContent, SavedFile } from '../../../shared/admin-api.js';
import { adminRequest, ApiError } from '../api/client.js';
import { useFiles, useRegistry, useSession } from '../api/hooks.js';
import { ConfirmDialog } from '../components/confirm.js';
import { ErrorNotice } from '../components/feedback.js';
import { CodeEditor, type CodeEditorHandle } from '../editor/code-editor.js';
import { problemsOf, type Problem, type ReportedMarker } from '../editor/diagnostics.js';
import { FileNameDialog, LeaveDialog } from '../editor/dialogs.js';
import { conflictOf } from '../editor/disk-changes.js';
import { useEditorDocument, useFileActions, type SaveOptions } from '../editor/document.js';
import { FileTree } from '../editor/file-tree.js';
import { DeletedFiles, HistoryPanel } from '../editor/history.js';
import {
  checkFileName,
  extensionOf,
  fileTimes,
  fileUrl,
  isHelperPath,
  moduleNameOf,
  WRITABLE_EXTENSIONS,
} from '../editor/files.js';
import { useLeaveGuard } from '../editor/guard.js';
import { ProblemsPanel } from '../editor/problems.js';
import { DiskConflictNotice, FileRole, NoticeView, type Notice } from '../editor/status.js';
import { newFileText } from '../editor/template.js';
import '../editor/editor.css';

type DialogName = 'new' | 'rename' | 'delete';

/**
 * The editor of the APIs folder (`#/editor/<path>`): the file tree, Monaco with TypeScript
 * IntelliSense for `api-deploy` and `zod`, the server's check as you type, Ctrl/Cmd+S to save
 * (and reload), new, rename and delete, and a guard against losing unsaved changes.
 */
export function EditorView({ file }: { file?: string }) {
  const session = useSession();
  const files = useFiles();
  const registry = useRegistry();
  const entries = useMemo(() => files.data ?? [], [files.data]);
  const modified = useMemo(() => fileTimes(entries), [entries]);
  const paths = useMemo(() => new Set(modified.keys()), [modified]);
  // A new file's text until its first save: nothing is written (and no endpoint answers) before.
  const [draft, setDraft] = useState<{ path: string; text: string }>();
  // The tree's time of the open file: when it changes (the tree follows the runtime's reloads), the file is read again.
  const doc = useEditorDocument(
    file,
    file && files.data ? (modified.get(file) ?? null) : undefined,
    draft && draft.path === file ? draft.text : undefined,
  );
  const actions = useFileActions();
  const [, navigate] = useLocation();
  const [notice, setNotice] = useState<Notice>();
  const [dialog, setDialog] = useState<DialogName>();
  const [leaving, setLeaving] = useState<{ proceed: () => void }>();
  const [typescriptMarkers, setTypescriptMarkers] = useState<ReportedMarker[]>([]);
  const [helperError, setHelperError] = useState<{ path: string; error: unknown }>();
  // The file whose history is shown (the open one); a file not there shows its history anyway.
  const [historyFor, setHistoryFor] = useState<string>();
  const editor = useRef<CodeEditorHandle>(undefined);
  const { leave } = useLeaveGuard(doc.dirty, (proceed) => setLeaving({ proceed }));

  useEffect(() => {
    setTypescriptMarkers([]);
    setHelperError(undefined);
    // Left without saving (the leave guard asked): the new file was never made.
    setDraft((current) => (current?.path === file ? current : undefined));
  }, [file]);

  const save = useCallback(
    async (options?: SaveOptions) => {
      if (!file || doc.readOnly) return;
      try {
        const result = await doc.save(options);
        if (result) {
          setDraft(undefined);
          setNotice(savedNotice(file, result));
        }
      } catch (error) {
        // Refused because the file changed on disk: the document's conflict notice says so.
        setNotice(
          conflictOf(error) ? undefined : { kind: 'error', title: `${file} is not saved`, error, on: file },
        );
      }
    },
    [file, doc],
  );

  // Ctrl+S / Cmd+S saves, wherever the focus is in the view (and the browser's own "save page" is kept away).
  const saveRef = useRef(save);
  useEffect(() => {
    saveRef.current = save;
  });
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 's') {
        event.preventDefault();
        void saveRef.current();
      }
    };
    window.addEventListener('keydown', onKeyDown, true);
    return () => window.removeEventListener('keydown', onKeyDown, true);
  }, []);

  const loadFile = useCallback(
    (path: string) =>
      adminRequest<FileContent>(session, 'GET', fileUrl(path)).then((loaded) => loaded.content),
    [session],
  );

  const problems = useMemo(
    () => (file ? problemsOf(doc.diagnostics, typescriptMarkers, file) : []),
    [doc.diagnostics, typescriptMarkers, file],
  );
  const selectProblem = (problem: Problem) => {
    if (problem.inOpenFile) editor.current?.reveal(problem.line, problem.column);
    else navigate(`/editor/${problem.file}`);
  };

  const registryModule = registry.data?.modules.find((module) => module.file === file);
  const unavailable = registry.data?.unavailable.find((failure) => failure.file === file);
  const shownNotice = notice && notice.on === file ? notice : undefined;
  const missing =
    doc.status === 'error' && doc.loadError instanceof ApiError && doc.loadError.code === 'FILE_NOT_FOUND';
  const showHistory = file !== undefined && (historyFor === file || missing);

  return (
    <div className="page full editor-page">
      <div className="editor-layout">
        <aside className="editor-files card" aria-label="APIs folder">
          <div className="editor-files-head">
            <h2>Files</h2>
            <button type="button" onClick={() => setDialog('new')} title="New module or helper">
              <FilePlus2 size={15} aria-hidden /> New file
            </button>
          </div>
          {files.isError && <ErrorNotice error={files.error} title="The files cannot be listed" />}
          {files.isPending ? (
            <p className="muted small">Loading files…</p>
          ) : (
            <FileTree entries={entries} open={file} dirty={doc.dirty} />
          )}
          <DeletedFiles open={file} />
        </aside>

        <section className="editor-main" aria-label="Editor">
          {!file ? (
            <div className="editor-empty card">
              <h2>Editor</h2>
              <p className="muted">
                Open a file of the APIs folder on the left, or create one: every function a module exports
                wrapped in <code>apiFunction(...)</code> is an endpoint as soon as it is saved.
              </p>
              <div>
                <button type="button" className="primary" onClick={() => setDialog('new')}>
                  <FilePlus2 size={15} aria-hidden /> New file
                </button>
              </div>
              {notice && notice.on === undefined && (
                <NoticeView notice={notice} onClose={() => setNotice(undefined)} />
              )}
            </div>
          ) : (
            <>
              <header className="editor-bar">
                <div className="editor-title">
                  <span className="mono">{file}</span>
                  {doc.dirty && (
                    <span
                      className="dirty-dot"
                      role="status"
                      aria-label="unsaved changes"
                      title="Unsaved changes"
                    />
                  )}
                  <FileRole
                    file={file}
                    endpoints={registryModule?.endpoints.length}
                    failed={Boolean(unavailable || registryModule?.lastLoadError)}
                    readOnly={doc.readOnly}
                  />
                  {doc.disk?.kind === 'reloaded' && !doc.dirty && (
                    <span className="muted small" role="status">
                      Reloaded: the file changed on disk
                    </span>
                  )}
                </div>
                <div className="actions">
                  <button
                    type="button"
                    onClick={() => setHistoryFor(historyFor === file ? undefined : file)}
                    aria-pressed={showHistory}
                    disabled={missing || doc.readOnly || doc.isNew}
                    title="Versions of this file kept at each save: compare and restore"
                  >
                    <History size={15} aria-hidden /> History
                  </button>
                  <button
                    type="button"
                    className="primary"
                    onClick={() => void save()}
                    disabled={!doc.dirty || doc.saving || doc.readOnly}
                    title={
                      problems.length > 0
                        ? `Save and reload (Ctrl+S / ⌘S). ${problems.length} problem(s) below: a module that does not load keeps serving its last good version`
                        : 'Save and reload (Ctrl+S / ⌘S)'
                    }
                  >
                    <Save size={15} aria-hidden /> {doc.saving ? 'Saving…' : 'Save'}
                  </button>
                  <button
                    type="button"
                    onClick={doc.revert}
                    disabled={!doc.dirty || doc.saving}
                    title="Drop the changes and load the file from disk again"
                  >
                    <RotateCcw size={15} aria-hidden /> Revert
                  </button>
                  <button
                    type="button"
                    onClick={() => setDialog('rename')}
                    disabled={doc.status !== 'ready' || doc.readOnly || doc.isNew}
                  >
                    <Pencil size={15} aria-hidden /> Rename
                  </button>
                  <button
                    type="button"
                    className="danger"
                    onClick={() => setDialog('delete')}
                    disabled={doc.status !== 'ready' || doc.readOnly || doc.isNew}
                  >
                    <Trash2 size={15} aria-hidden /> Delete
                  </button>
                </div>
              </header>

              {doc.disk?.kind === 'conflict' && (
                <DiskConflictNotice
                  file={file}
                  deleted={doc.disk.deleted}
                  busy={doc.saving}
                  canWrite={!doc.readOnly}
                  onLoad={doc.revert}
                  onOverwrite={() => void save({ force: true })}
                />
              )}
              {doc.isNew && (
                <p className="notice small" role="status">
                  A new file, not saved yet: nothing is written to the APIs folder, and no endpoint answers,
                  until you save it.
                </p>
              )}
              {shownNotice && (
                <NoticeView
                  notice={shownNotice}
                  lastGood={registryModule !== undefined}
                  onClose={() => setNotice(undefined)}
                />
              )}
              {doc.status === 'error' && (
                <ErrorNotice error={doc.loadError} title={`${file} cannot be opened`} />
              )}
              {missing && (
                <p className="muted small">If it was deleted, its history below can bring it back.</p>
              )}
              {helperError && (
                <ErrorNotice
                  error={helperError.error}
                  title={`IntelliSense cannot read ${helperError.path}, which this file imports`}
                />
              )}

              <div className="editor-code" data-testid="code-editor" hidden={missing}>
                {doc.status !== 'error' && (
                  <CodeEditor
                    path={file}
                    value={doc.value}
                    ready={doc.status === 'ready'}
                    revision={doc.revision}
                    readOnly={doc.readOnly}
                    diagnostics={doc.diagnostics}
                    files={modified}
                    onChange={doc.setValue}
                    onMarkers={setTypescriptMarkers}
                    onReady={(handle) => {
                      editor.current = handle;
                    }}
                    loadFile={loadFile}
                    onLoadError={(path, error) => setHelperError({ path, error })}
                  />
                )}
              </div>

              {doc.checkError !== undefined && (
                <ErrorNotice error={doc.checkError} title="The file could not be checked" />
              )}
              {showHistory ? (
                <HistoryPanel
                  path={file}
                  current={missing ? undefined : doc.value}
                  baseVersion={missing ? null : doc.version}
                  dirty={doc.dirty}
                  onClose={() => setHistoryFor(undefined)}
                  onRestored={(result) => {
                    setHistoryFor(file);
                    setNotice({
                      kind: 'reload',
                      title: `Restored ${result.path}`,
                      reload: result.reload,
                      on: file,
                    });
                    doc.revert();
                  }}
                />
              ) : (
                !doc.readOnly && (
                  <ProblemsPanel problems={problems} checking={doc.checking} onSelect={selectProblem} />
                )
              )}
            </>
          )}
        </section>
      </div>

      {dialog === 'new' && (
        <FileNameDialog
          title="New file"
          label="File name, in the APIs folder"
          initial=""
          submitLabel="Create"
          hint={
            <>
              <code>shop.ts</code> answers at <code>/shop/…</code>, <code>billing/invoice.ts</code> at{' '}
              <code>/billing/invoice/…</code>; a name starting with <code>_</code> is a helper. It opens with
              an example to edit, and is written when you save it.
            </>
          }
          check={(name) => checkFileName(name, { existing: paths })}
          onSubmit={async (path) => {
            setDraft({ path, text: newFileText(path) });
            setDialog(undefined);
            navigate(`/editor/${path}`);
          }}
          onCancel={() => setDialog(undefined)}
        />
      )}

      {dialog === 'rename' && file && (
        <FileNameDialog
          title={`Rename ${file}`}
          label="New name, in the APIs folder"
          initial={file}
          submitLabel={doc.dirty ? 'Save and rename' : 'Rename'}
          hint={isHelperPath(file) ? undefined : 'The module’s endpoints move to the new name.'}
          check={(name) =>
            name.trim() === file
              ? { ok: false, error: 'Type the new name' }
              : checkFileName(name, {
                  existing: paths,
                  extensions: WRITABLE_EXTENSIONS,
                  defaultExtension: extensionOf(file),
                })
          }
          onSubmit={async (to) => {
            if (doc.dirty) await doc.save();
            const result = await actions.rename(file, to);
            setDialog(undefined);
            setNotice({
              kind: 'reload',
              title: `Renamed ${result.from} to ${result.to}`,
              reload: result.reload,
              on: result.to,
            });
            leave(`/editor/${result.to}`);
          }}
          onCancel={() => setDialog(undefined)}
        />
      )}

      {file && (
        <ConfirmDialog
          open={dialog === 'delete'}
          title={`Delete ${file}?`}
          confirmLabel="Delete"
          danger
          onCancel={() => setDialog(undefined)}
          onConfirm={() => {
            setDialog(undefined);
            actions.remove(file).then(
              (reload) => {
                setNotice({ kind: 'reload', title: `Deleted ${file}`, reload });
                leave('/editor');
              },
              (error: unknown) =>
                setNotice({ kind: 'error', title: `${file} is not deleted`, error, on: file }),
            );
          }}
        >
          <p>
            The file is removed from the APIs folder
            {moduleNameOf(file) ? ' and its endpoints stop answering' : ''}. This cannot be undone
            {doc.dirty ? ', and its unsaved changes are lost too' : ''}.
          </p>
        </ConfirmDialog>
      )}

      {leaving && file && (
        <LeaveDialog
          path={file}
          onCancel={() => setLeaving(undefined)}
          onDiscard={() => {
            setLeaving(undefined);
            leaving.proceed();
          }}
          onSave={async () => {
            const result = await doc.save();
            if (result) setNotice(savedNotice(file, result));
            setLeaving(undefined);
            leaving.proceed();
          }}
        />
      )}
    </div>
  );
}

/** What a save says: its reload, and first whether the saved file's own module failed to load. */
function savedNotice(file: string, result: SavedFile): Notice {
  return {
    kind: 'reload',
    title: `Saved ${result.path}`,
    reload: result.reload,
    on: file,
    saved: result.path,
  };
}
