/** Mutual exclusion per key, so one client is never processed by two runs of a kind at once. */
export interface ClientLock {
  runExclusive<T>(key: string, work: () => Promise<T>): Promise<T>;
}
