/** Mutual exclusion per key, so one client is never processed by two runs at once, whatever their kinds. */
export interface ClientLock {
  /**
   * Waits for the lock of `key`, then runs `work` holding it. `work` receives a signal that
   * aborts if the lock is lost meanwhile (its holder's database connection died): it must then
   * stop at its next safe point. Waiting gives up, rejecting, when `signal` aborts.
   */
  runExclusive<T>(key: string, work: (lockLost: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T>;
}
