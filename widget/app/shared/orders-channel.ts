// Frames of the widget on one page (picker, status, result) share an origin: a new order in one tells
// the others to refresh at once. Same-origin only by design; the message carries nothing but a nudge.
const NAME = 'assay-orders';

export function announceOrdersChanged(): void {
  try {
    const c = new BroadcastChannel(NAME);
    c.postMessage(1);
    c.close();
  } catch {
    /* no BroadcastChannel: the others catch up on their next poll */
  }
}

export function onOrdersChanged(fn: () => void): () => void {
  try {
    const c = new BroadcastChannel(NAME);
    c.onmessage = () => fn();
    return () => c.close();
  } catch {
    return () => {};
  }
}
