import type { ClientJob } from '../../src/domain/jobs/client-job.js';
import type { JobRun } from '../../src/domain/jobs/job-run.js';
import type { JobHandlers } from '../../src/domain/ports/job-handlers.port.js';
import type { RunTarget } from '../../src/domain/ports/job-run-store.port.js';
import type { JobScheduler } from '../../src/domain/ports/job-scheduler.port.js';

export type ScheduledClientJob = ClientJob;

/**
 * A scheduler that runs nothing. It records every call, and what it queued: like the port
 * says, scheduling the same run, or the same client of a run, twice queues it once.
 */
export class RecordingJobScheduler implements JobScheduler {
  readonly runCalls: JobRun[] = [];
  readonly clientCalls: { run: JobRun; clients: RunTarget[] }[] = [];
  /** The handlers `start` was given; null before, and after `stop`. */
  handlers: JobHandlers | null = null;
  private readonly runs = new Set<string>();
  private readonly clientJobs = new Map<string, ScheduledClientJob>();

  /** Ids of the runs queued for fan-out, once each, in order. */
  get scheduledRuns(): string[] {
    return [...this.runs];
  }

  /** The client jobs queued, once each, in order. */
  get scheduledClientJobs(): ScheduledClientJob[] {
    return [...this.clientJobs.values()].map((j) => ({ ...j }));
  }

  async scheduleRun(run: JobRun): Promise<void> {
    this.runCalls.push(run);
    this.runs.add(run.id);
  }

  /** Nothing here runs, so every job queued is still waiting. */
  async queueDepth(): Promise<Record<string, number>> {
    return { runs: this.runs.size, clients: this.clientJobs.size };
  }

  async scheduleClients(run: JobRun, clients: RunTarget[]): Promise<void> {
    this.clientCalls.push({ run, clients: structuredClone(clients) });
    for (const client of clients) {
      const key = `${run.id}:${client.clientId}`;
      if (!this.clientJobs.has(key)) this.clientJobs.set(key, { runId: run.id, kind: run.kind, clientId: client.clientId, slug: client.slug });
    }
  }

  async start(handlers: JobHandlers): Promise<void> {
    this.handlers = handlers;
  }

  async stop(): Promise<void> {
    this.handlers = null;
  }
}
