// The shell's markup: starting / error states around whichever view is loaded.
import { createTranslator } from '../i18n.ts';
import { ErrorState, Loading } from '../ui/states.tsx';
import type { ShellModel } from './model.ts';

export function ShellView({ model }: { model: ShellModel }) {
  const t = createTranslator(model.locale);
  const phase = model.phase.value;
  const View = model.component.value;
  const props = model.props.value;
  let body;
  if (phase === 'error') body = <ErrorState message={model.message.value} onRetry={model.start} t={t} />;
  else if (phase === 'starting' || !View || !props) body = <Loading text={t(phase === 'starting' ? 'starting' : 'loading')} />;
  else body = <View {...props} />;
  return (
    <>
      {/* The frame is its own document: give it a top-level heading without showing a second title. */}
      <h1 class="assay-sr-only">Assay</h1>
      {body}
    </>
  );
}
