// Candidate standalone test mode: entry point only; the test-taking views are built separately.
import { render } from 'preact';

function CandidatePlaceholder() {
  return (
    <section class="assay-panel" aria-labelledby="assay-candidate-title">
      <h1 id="assay-candidate-title">Assay</h1>
      <p class="assay-state" role="status">
        Loading your assessment…
      </p>
    </section>
  );
}

render(<CandidatePlaceholder />, document.getElementById('assay-candidate-root') as HTMLElement);
