import type { Client } from '../../src/domain/clients/client.js';
import type { ClientJob } from '../../src/domain/jobs/client-job.js';
import type { JobRun } from '../../src/domain/jobs/job-run.js';
import type { JobHandlers } from '../../src/domain/ports/job-handlers.port.js';
import type { JobScheduler } from '../../src/domain/ports/job-scheduler.port.js';

export type ScheduledClientJob = ClientJob;

/**
 * A scheduler that runs nothing. It records every call, and what it queued: like the port
 * says, scheduling the same run, or the same client of a run, twice queues it once.
 */
export class RecordingJobScheduler implements JobScheduler {
  readonly runCalls: JobRun[] = [];
  readonly clientCalls: { run: JobRun; clients: Client[] }[] = [];
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
    this.runCalls.push(structuredClone(run));
    this.runs.add(run.id);
  }

  /** Recorded only: nothing here runs the jobs. */
  started: JobHandlers | undefined;
  stopped = false;

  async start(handlers: JobHandlers): Promise<void> {
    this.started = handlers;
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }

  /** Nothing here runs, so every job queued is still waiting. */
  async queueDepth(): Promise<Record<string, number>> {
    return { runs: this.runs.size, clients: this.clientJobs.size };
  }

  async scheduleClients(run: JobRun, clients: Client[]): Promise<void> {
    this.clientCalls.push({ run: structuredClone(run), clients: structuredClone(clients) });
    for (const client of clients) {
      const key = `${run.id}:${client.id}`;
      if (!this.clientJobs.has(key)) this.clientJobs.set(key, { runId: run.id, kind: run.kind, clientId: client.id, slug: client.slug });
    }
  }
}
