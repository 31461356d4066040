import { inject, injectable } from 'tsyringe';
import { canonicalParams, type JobKind, type JobRun, type JobRunParams, type JobTrigger } from '../../domain/jobs/job-run.js';
import type { JobRunStore, QueuedRun } from '../../domain/ports/job-run-store.port.js';
import type { JobScheduler } from '../../domain/ports/job-scheduler.port.js';
import { CombinedCalls } from '../shared/combined-calls.js';
import { TOKENS } from '../tokens.js';

export interface StartJobResult {
  run: JobRun;
  coalesced: boolean;
}

/**
 * Accepts a trigger: records a queued run (with its parameters: a backfill's window, a
 * reconcile's repair) and schedules it. A trigger for a kind, slug and parameters that
 * already have a queued run joins that run instead (no scheduling: the fast path when triggers
 * pour in). Concurrent triggers for the same kind and slug share one statement — each is
 * answered by a write made after it arrived, but they no longer queue one by one on the run's
 * row lock.
 */
@injectable()
export class StartJobUseCase {
  private readonly enqueues = new CombinedCalls<string, QueuedRun>();

  constructor(
    @inject(TOKENS.JobRunStore) private readonly runs: JobRunStore,
    @inject(TOKENS.JobScheduler) private readonly scheduler: JobScheduler,
  ) {}

  async execute(kind: JobKind, slug: string, trigger: JobTrigger = 'manual', params: JobRunParams = {}): Promise<StartJobResult> {
    const asked = canonicalParams(params);
    const { result, first } = await this.enqueues.call(JSON.stringify([kind, slug, trigger, asked]), () => this.runs.enqueue(kind, slug, trigger, asked));
    // Of the triggers one statement answered, the first created the run (when it did); the others joined it.
    const coalesced = result.coalesced || !first;
    if (!coalesced) await this.scheduler.scheduleRun(result.run);
    return { run: result.run, coalesced };
  }
}
