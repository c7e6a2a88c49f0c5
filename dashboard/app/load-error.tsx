// A view that could not load: the sentence, said at once, and Try again.
export function LoadError({ message, onRetry }: { message: string | null; onRetry: () => void }) {
  return (
    <div class="card error" role="alert">
      <p>{message}</p>
      <button type="button" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}
