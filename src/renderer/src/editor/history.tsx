/**
 * The version history of a file (every save through the editor or the files API, every change
 * on disk the runtime saw, every restore): its versions, newest first; one chosen is compared
 * with the editor's text in Monaco's diff editor, and can be restored (the restore is a version
 * too). A file deleted since is brought back the same way, from the deleted files' list.
 */
import { DiffEditor, type DiffOnMount } from '@monaco-editor/react';
import { History, RotateCcw, X } from 'lucide-react';
import { useLayoutEffect, useRef, useState } from 'react';
import { Link } from 'wouter';
import type { HistoryVersion, RestoredVersion, VersionSource } from '../../../shared/admin-api.js';
import { useFileHistory, useHistoryFiles, useHistoryVersion, useRestoreVersion } from '../api/hooks.js';
import { ConfirmDialog } from '../components/confirm.js';
import { ErrorNotice } from '../components/feedback.js';
import { formatDateTime } from '../time.js';
import { usePrefersDark } from '../use-prefers-dark.js';
import { languageOf } from './files.js';
import './monaco.js';

export const SOURCE_LABELS: Record<VersionSource, string> = {
  panel: 'editor',
  api: 'API',
  disk: 'on disk',
  restore: 'restored',
};

/** "812 B", "4.2 kB", "1.3 MB". */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

export interface HistoryPanelProps {
  path: string;
  /** The editor's text of the file; undefined when the file is deleted (compared with nothing). */
  current: string | undefined;
  /**
   * The version of the file the editor read (a restore over a file changed on disk since is
   * refused); null: the file is deleted, and the restore creates it.
   */
  baseVersion: string | null | undefined;
  /** The editor has unsaved changes, which a restore replaces: it asks first. */
  dirty: boolean;
  onRestored: (result: RestoredVersion) => void;
  onClose: () => void;
}

export function HistoryPanel({ path, current, baseVersion, dirty, onRestored, onClose }: HistoryPanelProps) {
  const versions = useFileHistory(path);
  const [selected, setSelected] = useState<string>();
  const [confirming, setConfirming] = useState(false);
  const restore = useRestoreVersion();
  const chosen = versions.data?.find((version) => version.id === selected);
  const deleted = current === undefined;

  const doRestore = () => {
    setConfirming(false);
    if (!chosen) return;
    restore.mutate(
      { path, id: chosen.id, ...(baseVersion === undefined ? {} : { baseVersion }) },
      { onSuccess: onRestored },
    );
  };

  return (
    <section className="editor-history" aria-label={`History of ${path}`}>
      <header className="editor-history-head small">
        <History size={14} aria-hidden />
        <strong>History</strong>
        <span className="mono">{path}</span>
        {deleted && <span className="badge bad">deleted</span>}
        <button type="button" className="icon-button" onClick={onClose} aria-label="Close the history">
          <X size={14} aria-hidden />
        </button>
      </header>
      {versions.isError && <ErrorNotice error={versions.error} title="The history cannot be read" />}
      <div className="editor-history-body">
        {versions.isPending ? (
          <p className="muted small pad">Loading the history…</p>
        ) : versions.data?.length === 0 ? (
          <p className="muted small pad">
            No versions yet: each save of this file is kept here, with where it came from.
          </p>
        ) : (
          <ul className="editor-history-list" aria-label="Versions">
            {versions.data?.map((version, index) => (
              <li key={version.id}>
                <VersionRow
                  version={version}
                  newest={index === 0}
                  selected={version.id === selected}
                  onSelect={() => setSelected(version.id)}
                />
              </li>
            ))}
          </ul>
        )}
        <div className="editor-history-diff">
          {chosen ? (
            <>
              <div className="editor-history-actions small">
                <span>
                  <strong>{formatDateTime(chosen.time)}</strong>{' '}
                  <span className="muted">
                    (left) against {deleted ? 'nothing: the file is deleted' : 'the editor’s text'} (right)
                  </span>
                </span>
                <button
                  type="button"
                  className="primary"
                  disabled={restore.isPending}
                  onClick={() => (dirty ? setConfirming(true) : doRestore())}
                >
                  <RotateCcw size={14} aria-hidden />{' '}
                  {restore.isPending ? 'Restoring…' : deleted ? 'Restore the file' : 'Restore this version'}
                </button>
              </div>
              {restore.isError && <ErrorNotice error={restore.error} title="The version is not restored" />}
              <VersionDiff path={path} id={chosen.id} current={current ?? ''} />
            </>
          ) : (
            versions.data?.length !== 0 && (
              <p className="muted small pad">Choose a version to compare it with the editor’s text.</p>
            )
          )}
        </div>
      </div>
      <ConfirmDialog
        open={confirming}
        title={`Restore this version of ${path}?`}
        confirmLabel="Restore"
        danger
        onCancel={() => setConfirming(false)}
        onConfirm={doRestore}
      >
        <p>The file gets this version’s text, and the editor’s unsaved changes are lost.</p>
      </ConfirmDialog>
    </section>
  );
}

function VersionRow({
  version,
  newest,
  selected,
  onSelect,
}: {
  version: HistoryVersion;
  newest: boolean;
  selected: boolean;
  onSelect: () => void;
}) {
  const { reload } = version;
  return (
    <button type="button" className="history-version" aria-pressed={selected} onClick={onSelect}>
      <time dateTime={version.time}>{formatDateTime(version.time)}</time>
      <span className="history-version-meta">
        <span className="badge">{SOURCE_LABELS[version.source]}</span>
        <span className="muted">{formatSize(version.size)}</span>
        {newest && <span className="muted">newest</span>}
        {reload && (
          <span className={`badge ${reload.ok ? 'good' : 'bad'}`} title={reload.error}>
            {reload.ok ? 'loaded' : 'load failed'}
          </span>
        )}
      </span>
    </button>
  );
}

/** A version's text (left) against the editor's (right), in Monaco's diff editor, read-only. */
function VersionDiff({ path, id, current }: { path: string; id: string; current: string }) {
  const version = useHistoryVersion(path, id);
  const dark = usePrefersDark();
  const diffEditor = useRef<Parameters<DiffOnMount>[0]>(undefined);
  // @monaco-editor/react disposes the two models before the diff widget holding them, which
  // Monaco reports as an error ("TextModel got disposed before DiffEditorWidget model got
  // reset"). The models are kept (keepCurrent…Model) and let go here instead, widget first: a
  // layout effect's cleanup runs before the passive cleanups of the component's children.
  useLayoutEffect(
    () => () => {
      const widget = diffEditor.current;
      const models = widget?.getModel();
      widget?.setModel(null);
      models?.original.dispose();
      models?.modified.dispose();
    },
    [],
  );
  if (version.isError) return <ErrorNotice error={version.error} title="The version cannot be read" />;
  if (!version.data) return <p className="muted small pad">Loading the version…</p>;
  return (
    <div className="editor-history-monaco" data-testid="version-diff">
      <DiffEditor
        original={version.data.content}
        modified={current}
        language={languageOf(path)}
        theme={dark ? 'vs-dark' : 'vs'}
        loading={<p className="muted">Starting the editor…</p>}
        keepCurrentOriginalModel
        keepCurrentModifiedModel
        onMount={(widget) => {
          diffEditor.current = widget;
        }}
        options={{
          readOnly: true,
          originalEditable: false,
          renderSideBySide: true,
          minimap: { enabled: false },
          scrollBeyondLastLine: false,
          automaticLayout: true,
          fontSize: 13,
        }}
      />
    </div>
  );
}

/**
 * Files deleted from the APIs folder that have a history: each opens in the editor (as a link,
 * so the unsaved-changes guard sees the switch), which shows its history to bring it back.
 */
export function DeletedFiles({ open }: { open?: string }) {
  const files = useHistoryFiles();
  const deleted = files.data?.filter((file) => file.deleted) ?? [];
  if (deleted.length === 0) return null;
  return (
    <section className="editor-deleted" aria-label="Deleted files">
      <h3 className="small muted">Deleted files</h3>
      <ul className="file-tree">
        {deleted.map((file) => (
          <li key={file.path} className="helper">
            <Link
              href={`/editor/${file.path}`}
              className="file-tree-row"
              aria-current={file.path === open ? 'page' : undefined}
              title={`${file.path}: ${file.versions} version${file.versions === 1 ? '' : 's'}, the newest ${formatDateTime(file.latest)}`}
            >
              <span className="file-tree-name">{file.path}</span>
              <span className="file-tree-module">deleted</span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
