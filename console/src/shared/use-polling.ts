import { useEffect, useRef } from 'preact/hooks';

/**
 * Calls `load` now and then every `intervalMs` after the previous call settled, while `active`;
 * a call never overlaps the one before. Paused while the tab is hidden, resumed (at once) when
 * it shows again. `key` restarts it (a new filter, another run).
 */
export function usePolling(load: () => Promise<unknown>, intervalMs: number, active: boolean, key: unknown): void {
  const latest = useRef(load);
  latest.current = load;
  useEffect(() => {
    if (!active) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      timer = undefined;
      if (stopped) return;
      if (document.visibilityState !== 'hidden') await latest.current().catch(() => undefined);
      if (!stopped) timer = setTimeout(tick, intervalMs);
    };
    const onVisible = () => {
      if (document.visibilityState === 'visible' && timer !== undefined) {
        clearTimeout(timer);
        void tick();
      }
    };
    timer = setTimeout(tick, intervalMs);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [active, intervalMs, key]);
}
