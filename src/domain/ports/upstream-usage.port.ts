export interface UpstreamCounters {
  requests: number;
  retries: number;
  rateLimited: number;
}

/** Running totals of the upstream calls made with each client's token. */
export interface UpstreamUsage {
  snapshot(clientId: string): UpstreamCounters;
}
