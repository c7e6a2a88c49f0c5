// A view that could not load: the reason, said at once (alert), and Try again.
export function LoadError({ text, onRetry }: { text: string | null; onRetry: () => void }) {
  return (
    <div class="card error" role="alert">
      <p>{text}</p>
      <button type="button" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}
