import { useEffect, useRef, type MouseEvent, type ReactNode } from 'react';

/** Where the browser (or jsdom) has no showModal: the dialog is shown as a plain open one. */
const NO_SHOW_MODAL =
  typeof HTMLDialogElement === 'undefined' || !HTMLDialogElement.prototype.showModal ? true : undefined;

/**
 * A modal on the native <dialog>, shown while `open`: focus moves into it and stays there, and
 * Escape (the dialog's cancel) calls `onCancel` instead of closing it behind React's back.
 */
export function ModalDialog({
  open,
  onCancel,
  children,
  ...attributes
}: {
  open: boolean;
  onCancel: () => void;
  children: ReactNode;
  className?: string;
  'aria-label'?: string;
  'aria-labelledby'?: string;
  onClick?: (event: MouseEvent<HTMLDialogElement>) => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) element.showModal?.();
    if (!open && element.open) element.close?.();
  }, [open]);
  if (!open) return null;
  return (
    <dialog
      ref={dialog}
      {...attributes}
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
      open={NO_SHOW_MODAL}
    >
      {children}
    </dialog>
  );
}
