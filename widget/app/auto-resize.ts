// Reports the content wrapper's height (rounded up) whenever it changes, for the parent to size the frame.
export function observeHeight(el: Element, report: (height: number) => void): () => void {
  let last = -1;
  const measure = () => {
    const h = Math.ceil(el.getBoundingClientRect().height);
    if (h !== last) report((last = h));
  };
  const ro = new ResizeObserver(measure);
  ro.observe(el);
  measure();
  return () => ro.disconnect();
}
