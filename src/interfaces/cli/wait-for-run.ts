import { setTimeout as sleep } from 'node:timers/promises';
import type { JobRunView } from './admin-api-client.js';
import { ServiceUnavailableError } from './cli-errors.js';

const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);

export interface JobRunReader {
  getJob(id: string, signal?: AbortSignal): Promise<JobRunView>;
}

export interface WaitOptions {
  intervalMs?: number;
  /** How long the service may stay unreachable (a restart) before waiting gives up. */
  outageGraceMs?: number;
  signal?: AbortSignal;
  onUpdate?: (run: JobRunView) => void;
}

/** Polls a run until it has finished and returns it; each state seen is reported to `onUpdate`. */
export async function waitForRun(api: JobRunReader, id: string, { intervalMs = 500, outageGraceMs = 15_000, signal, onUpdate }: WaitOptions = {}): Promise<JobRunView> {
  let unreachableSince: number | undefined;
  for (;;) {
    try {
      const run = await api.getJob(id, signal);
      unreachableSince = undefined;
      onUpdate?.(run);
      if (FINISHED.has(run.status)) return run;
    } catch (error) {
      // The job goes on without the service's HTTP side (a restart, a deploy): keep asking for a while.
      if (!(error instanceof ServiceUnavailableError)) throw error;
      unreachableSince ??= Date.now();
      if (Date.now() - unreachableSince >= outageGraceMs) throw error;
    }
    await sleep(intervalMs, undefined, { signal });
  }
}
