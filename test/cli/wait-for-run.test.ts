import { expect } from 'chai';
import type { JobRunView } from '../../src/interfaces/cli/admin-api-client.js';
import { NotFoundError, ServiceUnavailableError } from '../../src/interfaces/cli/cli-errors.js';
import { waitForRun, type JobRunReader } from '../../src/interfaces/cli/wait-for-run.js';
import { aRunView } from './job-run-view-builder.js';
import { failureOf } from '../support/failure-of.js';

/** Answers each poll with the next scripted outcome (a run, or an error to throw); the last one repeats. */
class ScriptedJobRunReader implements JobRunReader {
  polls = 0;

  constructor(private readonly outcomes: (JobRunView | Error)[]) {}

  async getJob(): Promise<JobRunView> {
    const outcome = this.outcomes[Math.min(this.polls++, this.outcomes.length - 1)]!;
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }
}


describe('CLI: waiting for a run to finish', () => {
  it('when the run goes queued → running → succeeded, then each state is reported and the finished run returned', async () => {
    const finished = aRunView({ status: 'succeeded' });
    const reader = new ScriptedJobRunReader([aRunView({ status: 'queued' }), aRunView({ status: 'running' }), finished]);
    const seen: string[] = [];

    const run = await waitForRun(reader, finished.id, { intervalMs: 1, onUpdate: (r) => seen.push(r.status) });

    expect(run).to.equal(finished);
    expect(seen).to.deep.equal(['queued', 'running', 'succeeded']);
  });

  it('when the service is briefly unreachable (a restart), then waiting goes on', async () => {
    const reader = new ScriptedJobRunReader([aRunView(), new ServiceUnavailableError('down'), new ServiceUnavailableError('down'), aRunView({ status: 'failed' })]);

    const run = await waitForRun(reader, 'id', { intervalMs: 1, outageGraceMs: 5_000 });

    expect(run.status).to.equal('failed');
    expect(reader.polls).to.equal(4);
  });

  it('when the service stays unreachable past the grace period, then waiting fails with that error', async () => {
    const down = new ServiceUnavailableError('cannot reach the service');
    const reader = new ScriptedJobRunReader([aRunView(), down]);

    const error = await failureOf(() => waitForRun(reader, 'id', { intervalMs: 5, outageGraceMs: 30 }));

    expect(error).to.equal(down);
  });

  it('when the run disappears (404), then waiting fails at once', async () => {
    const gone = new NotFoundError('no job id');
    const reader = new ScriptedJobRunReader([aRunView(), gone]);

    const error = await failureOf(() => waitForRun(reader, 'id', { intervalMs: 1, outageGraceMs: 60_000 }));

    expect(error).to.equal(gone);
    expect(reader.polls).to.equal(2);
  });

  it('when the signal aborts, then waiting stops between polls', async () => {
    const reader = new ScriptedJobRunReader([aRunView()]);
    const abort = new AbortController();

    const error = await failureOf(() => waitForRun(reader, 'id', { intervalMs: 10_000, signal: abort.signal, onUpdate: () => abort.abort() }));

    expect((error as Error).name).to.equal('AbortError');
    expect(reader.polls).to.equal(1);
  });
});
