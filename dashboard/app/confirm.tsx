// The dashboard's confirmation (Resend, Cancel, Disconnect): a modal <dialog> shown while `open`,
// Escape or the second button dismisses it, an error from the action is said at once.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

interface Props {
  /** Prefix of the title's and the text's ids. */
  id: string;
  open: boolean;
  title: ComponentChildren;
  text: ComponentChildren;
  error: string | null;
  yes: string;
  no: string;
  danger?: boolean;
  busy?: boolean;
  onYes: () => void;
  onNo: () => void;
}

export function ConfirmDialog({ id, open, title, text, error, yes, no, danger, busy, onYes, onNo }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} aria-labelledby={`${id}-title`} aria-describedby={`${id}-text`} onClose={onNo}>
      {open && (
        <form
          method="dialog"
          onSubmit={(e) => {
            e.preventDefault();
            onYes();
          }}
        >
          <h2 id={`${id}-title`}>{title}</h2>
          <p id={`${id}-text`}>{text}</p>
          {error && (
            <p class="error" role="alert">
              {error}
            </p>
          )}
          <div class="actions">
            <button type="submit" class={danger ? 'danger' : ''} disabled={busy}>
              {yes}
            </button>
            <button type="button" class="secondary" onClick={onNo}>
              {no}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
