/** What a worker executes for the jobs a JobScheduler queued. */
export interface JobHandlers {
  fanOut(runId: string): Promise<void>;
  /** `signal` aborts at the next page boundary (shutdown); the job is then left to be retried. */
  runClient(runId: string, clientId: string, signal?: AbortSignal): Promise<void>;
}
