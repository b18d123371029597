import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ErrorNotice } from '../components/feedback.js';
import type { NameCheck } from './files.js';

/** A modal on the native <dialog> (open as a plain dialog where showModal is missing, as in jsdom). */
function Modal({ title, children, onCancel }: { title: string; children: ReactNode; onCancel: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open && typeof element.showModal === 'function') element.showModal();
    return () => {
      if (element?.open && typeof element.close === 'function') element.close();
    };
  }, []);
  const native =
    typeof HTMLDialogElement !== 'undefined' && typeof HTMLDialogElement.prototype.showModal === 'function';
  return (
    <dialog
      ref={dialog}
      className="editor-dialog"
      aria-labelledby={titleId}
      aria-modal="true"
      open={native ? undefined : true}
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  );
}

/**
 * Asks for a file name (new file, rename), checking it as it is typed; `onSubmit` runs the
 * action, and an error it throws is shown in the dialog, which then stays open.
 */
export function FileNameDialog({
  title,
  label,
  initial,
  submitLabel,
  hint,
  check,
  onSubmit,
  onCancel,
}: {
  title: string;
  label: string;
  initial: string;
  submitLabel: string;
  hint?: ReactNode;
  check: (name: string) => NameCheck;
  onSubmit: (path: string) => Promise<void>;
  onCancel: () => void;
}) {
  const [name, setName] = useState(initial);
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const inputId = useId();
  const result = check(name);
  const invalid = !result.ok && (touched || name !== initial);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (!result.ok || busy) return;
    setBusy(true);
    setError(undefined);
    try {
      await onSubmit(result.path);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal title={title} onCancel={onCancel}>
      <form className="stack" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={inputId}>{label}</label>
          <input
            id={inputId}
            className="mono"
            value={name}
            autoFocus
            spellCheck={false}
            autoComplete="off"
            aria-invalid={invalid}
            aria-describedby={`${inputId}-help`}
            onChange={(event) => setName(event.target.value)}
            onFocus={(event) => {
              // Select the name, not the extension, as file managers do.
              const dot = event.target.value.lastIndexOf('.');
              event.target.setSelectionRange(0, dot > 0 ? dot : event.target.value.length);
            }}
          />
          <span id={`${inputId}-help`} className={`small ${invalid ? 'error-text' : 'muted'}`}>
            {invalid && !result.ok
              ? result.error
              : result.ok && name.trim() !== result.path
                ? `Will be ${result.path}`
                : hint}
          </span>
        </div>
        <ErrorNotice error={error} />
        <div className="row dialog-actions">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || (!result.ok && invalid)}>
            {busy ? 'Working…' : submitLabel}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** Unsaved changes and the user is leaving the file: save them, drop them, or stay. */
export function LeaveDialog({
  path,
  onSave,
  onDiscard,
  onCancel,
}: {
  path: string;
  onSave: () => Promise<void>;
  onDiscard: () => void;
  onCancel: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  return (
    <Modal title="Unsaved changes" onCancel={onCancel}>
      <div className="stack">
        <p>
          <code>{path}</code> has changes that are not saved.
        </p>
        <ErrorNotice error={error} title="Not saved" />
        <div className="row dialog-actions">
          <button type="button" onClick={onCancel} autoFocus>
            Keep editing
          </button>
          <button type="button" className="danger" onClick={onDiscard}>
            Discard changes
          </button>
          <button
            type="button"
            className="primary"
            disabled={busy}
            onClick={() => {
              setBusy(true);
              setError(undefined);
              onSave().catch((caught: unknown) => {
                setError(caught);
                setBusy(false);
              });
            }}
          >
            {busy ? 'Saving…' : 'Save and continue'}
          </button>
        </div>
      </div>
    </Modal>
  );
}
