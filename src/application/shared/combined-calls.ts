/**
 * Group commit for calls that may be shared: while a call for a key is under way, the callers
 * that arrive wait for the next one, which starts as soon as the current one ends and answers
 * all of them. Each caller is answered by a call that started after it arrived (what a write
 * that must follow its request needs), and however many callers pour in, at most one call per
 * key is under way at a time, plus one more for all of them.
 */
export class CombinedCalls<K, R> {
  private readonly keys = new Map<K, { running: Promise<R>; next: { promise: Promise<R>; callers: number } | null }>();

  /** `first` tells whether this caller is the first of those the call answers. */
  async call(key: K, work: () => Promise<R>): Promise<{ result: R; first: boolean }> {
    const state = this.keys.get(key);
    if (!state) return { result: await this.start(key, work), first: true };
    if (!state.next) {
      const promise = state.running.catch(() => {}).then(() => this.start(key, work));
      state.next = { promise, callers: 0 };
    }
    const next = state.next;
    const first = next.callers === 0;
    next.callers += 1;
    return { result: await next.promise, first };
  }

  private start(key: K, work: () => Promise<R>): Promise<R> {
    const running = work();
    this.keys.set(key, { running, next: null });
    void running
      .catch(() => {})
      .finally(() => {
        if (this.keys.get(key)?.running === running) this.keys.delete(key);
      });
    return running;
  }
}
