export interface UpstreamCounters {
  requests: number;
  retries: number;
  rateLimited: number;
}

/** Running totals of the upstream calls made with each client's token. */
export interface UpstreamUsage {
  snapshot(clientId: string): UpstreamCounters;
  /**
   * Since when the client's requests have been waiting for its rate budget (its own requests of
   * the last window used it up), or for the upstream's Retry-After; null when none is waiting.
   */
  waitingSince(clientId: string): Date | null;
}
