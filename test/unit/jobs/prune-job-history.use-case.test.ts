import { expect } from 'chai';
import { PruneJobHistoryUseCase } from '../../../src/application/jobs/prune-job-history.use-case.js';
import type { JobStatus } from '../../../src/domain/jobs/job-run.js';
import { FakeClock } from '../../fakes/fake-clock.js';
import { InMemoryJobRunStore } from '../../fakes/in-memory-job-run-store.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const NOW = new Date(Date.UTC(2026, 10, 30, 12, 0, 0));
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY_MS);

function makeSut({ historyDays = 7 } = {}) {
  const runs = new InMemoryJobRunStore(() => NOW);
  const sut = new PruneJobHistoryUseCase(runs, { historyDays }, new FakeClock());
  /** A run requested `days` ago and, when its status says it ended, ended then too. */
  const runRequested = (days: number, status: JobStatus) => runs.seed({ status, requestedAt: daysAgo(days), finishedAt: ['queued', 'running'].includes(status) ? null : daysAgo(days) }).id;
  return { sut, runs, runRequested };
}

describe('PruneJobHistoryUseCase', () => {
  it('when finished runs are older than the history window, then they are deleted and counted', async () => {
    const { sut, runs, runRequested } = makeSut({ historyDays: 7 });
    runRequested(8, 'succeeded');
    runRequested(30, 'failed');
    runRequested(7.01, 'cancelled');

    const deleted = await sut.execute(NOW);

    expect(deleted).to.equal(3);
    expect(runs.ids()).to.deep.equal([]);
  });

  it('when finished runs are within the history window, then they are kept', async () => {
    const { sut, runs, runRequested } = makeSut({ historyDays: 7 });
    const recent = [runRequested(0, 'succeeded'), runRequested(6.9, 'failed'), runRequested(7, 'cancelled')];

    const deleted = await sut.execute(NOW);

    expect(deleted).to.equal(0);
    expect(runs.ids()).to.deep.equal(recent);
  });

  it('when unfinished runs are older than the history window, then they are kept', async () => {
    const { sut, runs, runRequested } = makeSut({ historyDays: 7 });
    const queued = runRequested(40, 'queued');
    const running = runRequested(40, 'running');
    runRequested(40, 'succeeded');

    const deleted = await sut.execute(NOW);

    expect(deleted).to.equal(1);
    expect(runs.ids()).to.deep.equal([queued, running]);
  });

  it('when the history window is one day, then the cut-off is one day before now', async () => {
    const { sut, runs, runRequested } = makeSut({ historyDays: 1 });
    runRequested(1.5, 'succeeded');
    const kept = runRequested(0.5, 'succeeded');

    expect(await sut.execute(NOW)).to.equal(1);
    expect(runs.ids()).to.deep.equal([kept]);
  });

  it('when a run was requested long ago but finished within the window, then it is kept: history is counted from the end', async () => {
    const { sut, runs } = makeSut({ historyDays: 7 });
    const longRun = runs.seed({ status: 'succeeded', requestedAt: daysAgo(30), finishedAt: daysAgo(1) }).id;

    expect(await sut.execute(NOW)).to.equal(0);
    expect(runs.ids()).to.deep.equal([longRun]);
  });
});
