import { useEffect, useRef, useState } from 'preact/hooks';

/** The page's route from the URL hash (`#/jobs/abc` → `['jobs', 'abc']`): only `/` is served, so no server fallback is needed. */
export function useRoute(): string[] {
  const read = () => location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const update = () => setRoute(read());
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}

export const navigate = (path: string): void => {
  location.hash = `#${path}`;
};

/** Calls `load` now and every `everyMs` while the component is shown; keeps the last value and error. */
export function usePoll<T>(
  load: () => Promise<T>,
  everyMs: number,
  deps: unknown[] = [],
): { value: T | null; error: Error | null; refresh: () => void } {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const tick = useRef<() => void>(() => {});
  useEffect(() => {
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      clearTimeout(timer);
      try {
        const next = await load();
        if (alive) {
          setValue(next);
          setError(null);
        }
      } catch (err) {
        if (alive) setError(err as Error);
      }
      if (alive) timer = setTimeout(run, everyMs);
    };
    tick.current = () => void run();
    void run();
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, deps);
  return { value, error, refresh: () => tick.current() };
}

/** Re-renders every `everyMs` (for ages and durations that count up). */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
