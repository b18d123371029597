import type { ReloadResult } from '../../../shared/admin-api.js';
import { ErrorNotice } from '../components/feedback.js';
import { LoadErrorItem } from '../components/load-error.js';
import { isHelperPath, moduleNameOf } from './files.js';

/** What the last action did, shown above the editor while its file is open. */
export type Notice =
  | {
      kind: 'reload';
      title: string;
      reload: ReloadResult;
      on?: string;
      /** The file a save wrote: a reload that failed on it is said first and plainly. */
      saved?: string;
    }
  | { kind: 'error'; title: string; error: unknown; on?: string };

/** Module, helper or other file, with what the registry says of it. */
export function FileRole({
  file,
  endpoints,
  failed,
  readOnly,
}: {
  file: string;
  endpoints?: number;
  failed: boolean;
  readOnly: boolean;
}) {
  const module = moduleNameOf(file);
  if (readOnly) return <span className="badge">read-only</span>;
  if (!module) return <span className="badge">{isHelperPath(file) ? 'helper' : 'data'}</span>;
  return (
    <>
      <span className="badge mono">/{module}</span>
      {failed ? (
        <span className="badge bad">load error</span>
      ) : endpoints !== undefined ? (
        <span className="muted small">
          {endpoints} endpoint{endpoints === 1 ? '' : 's'}
        </span>
      ) : null}
    </>
  );
}

/**
 * The result of the last save, rename or delete, or why it failed; dismissable. `lastGood`:
 * the saved file's module still serves an earlier version (the registry says so).
 */
export function NoticeView({
  notice,
  onClose,
  lastGood = false,
}: {
  notice: Notice;
  onClose: () => void;
  lastGood?: boolean;
}) {
  if (notice.kind === 'error') {
    return (
      <div className="editor-notice">
        <ErrorNotice error={notice.error} title={notice.title} />
        <button type="button" className="icon-button small" onClick={onClose} aria-label="Dismiss">
          ×
        </button>
      </div>
    );
  }
  const { reload } = notice;
  const brokenSave = notice.saved ? reload.failed.filter((failure) => failure.file === notice.saved) : [];
  if (brokenSave.length > 0) {
    return (
      <div className="notice bad editor-notice" role="alert">
        <div className="stack">
          <div>
            <strong>{notice.saved} is saved, but it does not load</strong>: its module has errors.{' '}
            {lastGood
              ? 'The last good version keeps serving its endpoints until they are fixed.'
              : 'It has no earlier good version: its endpoints answer 503 MODULE_UNAVAILABLE until they are fixed.'}
          </div>
          {brokenSave.map((failure) => (
            <LoadErrorItem key={`${failure.module}:${failure.file}`} error={failure} />
          ))}
        </div>
        <button type="button" className="icon-button small" onClick={onClose} aria-label="Dismiss">
          ×
        </button>
      </div>
    );
  }
  return (
    <div className={`notice ${reload.failed.length ? 'bad' : 'good'} editor-notice`} role="status">
      <div className="stack">
        <div>
          <strong>{notice.title}</strong> · {reload.message}
          <span className="muted small">
            {' '}
            (generation {reload.generation}, {reload.durationMs} ms)
          </span>
        </div>
        {reload.failed.length > 0 && (
          <div className="stack">
            <span className="error-text small">
              {reload.failed.length} module{reload.failed.length === 1 ? '' : 's'} failed to load (the last
              good version keeps serving):
            </span>
            {reload.failed.map((failure) => (
              <LoadErrorItem key={`${failure.module}:${failure.file}`} error={failure} />
            ))}
          </div>
        )}
      </div>
      <button type="button" className="icon-button small" onClick={onClose} aria-label="Dismiss">
        ×
      </button>
    </div>
  );
}

/**
 * The file changed (or was deleted) on disk since it was opened, and the editor's text was
 * kept: load the file on disk (dropping the text) or write the text over it (recreating it).
 */
export function DiskConflictNotice({
  file,
  deleted,
  busy,
  canWrite,
  onLoad,
  onOverwrite,
}: {
  file: string;
  deleted: boolean;
  busy: boolean;
  canWrite: boolean;
  onLoad: () => void;
  onOverwrite: () => void;
}) {
  return (
    <div className="notice bad editor-notice" role="alert">
      <div className="stack">
        <div>
          <strong>
            {file} {deleted ? 'was deleted' : 'changed on disk'} since it was opened.
          </strong>{' '}
          The text in the editor is kept: nothing is lost until you choose.
        </div>
        <div className="row">
          {!deleted && (
            <button type="button" onClick={onLoad} disabled={busy} title="Your changes are dropped">
              Load the version on disk
            </button>
          )}
          {canWrite && (
            <button
              type="button"
              className="danger"
              onClick={onOverwrite}
              disabled={busy}
              title={
                deleted ? 'Saves the text, creating the file again' : 'Saves the text over the file on disk'
              }
            >
              Overwrite with mine
            </button>
          )}
        </div>
      </div>
    </div>
  );
}
