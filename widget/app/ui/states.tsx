// Loading, empty and error-with-retry states shared by every view.
import type { Translate } from '../i18n.ts';

export function Loading({ text }: { text: string }) {
  return (
    <p class="assay-state" role="status">
      <span class="assay-spinner" aria-hidden="true" />
      {text}
    </p>
  );
}

export function Empty({ text }: { text: string }) {
  return <p class="assay-state assay-empty">{text}</p>;
}

export function ErrorState({ message, onRetry, t }: { message: string; onRetry: () => void; t: Translate }) {
  return (
    <div class="assay-state assay-error" role="alert">
      <p>{message}</p>
      <button type="button" class="assay-button" onClick={() => onRetry()}>
        {t('retry')}
      </button>
    </div>
  );
}
