import { useEffect, useState, type RefObject } from 'react';

/**
 * The width of an element in CSS pixels, rounded down to `step` so that small resizes do not
 * refetch or redraw; undefined until it has been measured (so nothing is fetched for a
 * guessed width and fetched again).
 */
export function useElementWidth(ref: RefObject<HTMLElement | null>, step = 20): number | undefined {
  const [width, setWidth] = useState<number | undefined>(undefined);
  useEffect(() => {
    const el = ref.current;
    if (el === null) return;
    const measure = (): void => {
      const w = Math.floor(el.getBoundingClientRect().width / step) * step;
      if (w > 0) setWidth(w);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref, step]);
  return width;
}
