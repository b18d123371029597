import type { ReloadResult } from '../../../shared/admin-api.js';
import { ErrorNotice } from '../components/feedback.js';
import { LoadErrorItem } from '../components/load-error.js';
import { isHelperPath, moduleNameOf } from './files.js';

/** What the last action did, shown above the editor while its file is open. */
export type Notice =
  | { kind: 'reload'; title: string; reload: ReloadResult; on?: string }
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

/** The result of the last save, rename or delete, or why it failed; dismissable. */
export function NoticeView({ notice, onClose }: { notice: Notice; onClose: () => void }) {
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
