import { expect } from 'chai';
import { StartJobUseCase } from '../../../src/application/jobs/start-job.use-case.js';
import { InMemoryJobRunStore } from '../../fakes/in-memory-job-run-store.js';
import { RecordingJobScheduler } from '../../fakes/recording-job-scheduler.js';

function makeSut() {
  const runs = new InMemoryJobRunStore();
  const scheduler = new RecordingJobScheduler();
  const sut = new StartJobUseCase(runs, scheduler);
  return { sut, runs, scheduler };
}

describe('StartJobUseCase', () => {
  it('when triggers ask for different parameters (two backfill windows, a reconcile with and without repair), then each is a run of its own, and the same parameters join', async () => {
    const { sut, runs } = makeSut();

    const week = await sut.execute('backfill', 'acme', 'manual', { from: '2026-11-01T00:00:00.000Z', to: '2026-11-08T00:00:00.000Z' });
    const month = await sut.execute('backfill', 'acme', 'manual', { from: '2026-10-01T00:00:00.000Z' });
    const weekAgain = await sut.execute('backfill', 'acme', 'manual', { to: '2026-11-08T00:00:00.000Z', from: '2026-11-01T00:00:00.000Z' });
    const check = await sut.execute('reconcile', 'acme');
    const repair = await sut.execute('reconcile', 'acme', 'manual', { repair: true });
    const notRepair = await sut.execute('reconcile', 'acme', 'manual', { repair: false });

    expect(new Set([week.run.id, month.run.id, check.run.id, repair.run.id]).size).to.equal(4);
    expect(weekAgain).to.include({ coalesced: true });
    expect(weekAgain.run.id).to.equal(week.run.id);
    expect(notRepair.run.id).to.equal(check.run.id);
    expect(runs.run(month.run.id).params).to.deep.equal({ from: '2026-10-01T00:00:00.000Z' });
    expect(runs.run(repair.run.id).params).to.deep.equal({ repair: true });
  });

  it('when no run is queued for the kind and slug, then a queued run is recorded and scheduled', async () => {
    const { sut, runs, scheduler } = makeSut();

    const result = await sut.execute('import', 'acme');

    expect(result.coalesced).to.equal(false);
    expect(result.run).to.include({ kind: 'import', slug: 'acme', status: 'queued', cancelRequestedAt: null });
    expect(runs.run(result.run.id).status).to.equal('queued');
    expect(scheduler.runCalls.map((r) => r.id)).to.deep.equal([result.run.id]);
    expect(scheduler.clientCalls).to.deep.equal([]);
  });

  it('when 50 triggers for one kind and slug arrive together, then they share two statements, one run is scheduled once, and all point at it', async () => {
    const { sut, runs, scheduler } = makeSut();
    let statements = 0;
    const enqueue = runs.enqueue.bind(runs);
    runs.enqueue = (...args) => {
      statements += 1;
      return enqueue(...args);
    };

    const results = await Promise.all(Array.from({ length: 50 }, () => sut.execute('import', 'acme')));

    expect(statements).to.equal(2);
    expect(new Set(results.map((r) => r.run.id)).size).to.equal(1);
    expect(results.filter((r) => !r.coalesced)).to.have.length(1);
    expect(scheduler.runCalls).to.have.length(1);
  });

  it('when a run is already queued for the same kind and slug, then the trigger joins it without scheduling anything', async () => {
    const { sut, runs, scheduler } = makeSut();
    const first = await sut.execute('import', 'acme');

    const second = await sut.execute('import', 'acme');

    expect(second.coalesced).to.equal(true);
    expect(second.run.id).to.equal(first.run.id);
    expect(runs.ids()).to.deep.equal([first.run.id]);
    expect(scheduler.runCalls.map((r) => r.id)).to.deep.equal([first.run.id]);
  });

  it('when a run is queued for another kind or slug, then the trigger gets a run of its own', async () => {
    const { sut, scheduler } = makeSut();
    const first = await sut.execute('import', 'acme');

    const otherKind = await sut.execute('contacts-sync', 'acme');
    const otherSlug = await sut.execute('import', 'all');

    expect([otherKind.coalesced, otherSlug.coalesced]).to.deep.equal([false, false]);
    expect(new Set([first.run.id, otherKind.run.id, otherSlug.run.id]).size).to.equal(3);
    expect(scheduler.scheduledRuns).to.deep.equal([first.run.id, otherKind.run.id, otherSlug.run.id]);
  });

  it('when the queued run has already started, then a new trigger queues and schedules a follow-up run', async () => {
    const { sut, runs, scheduler } = makeSut();
    const first = await sut.execute('import', 'acme');
    await runs.markRunning(first.run.id);

    const followUp = await sut.execute('import', 'acme');

    expect(followUp.coalesced).to.equal(false);
    expect(followUp.run.id).to.not.equal(first.run.id);
    expect(followUp.run.status).to.equal('queued');
    expect(scheduler.scheduledRuns).to.deep.equal([first.run.id, followUp.run.id]);
  });

  it('when the queued run was cancelled, then a new trigger queues a run of its own', async () => {
    const { sut, runs, scheduler } = makeSut();
    const first = await sut.execute('import', 'acme');
    await runs.requestCancel(first.run.id);

    const next = await sut.execute('import', 'acme');

    expect(next.coalesced).to.equal(false);
    expect(next.run.id).to.not.equal(first.run.id);
    expect(scheduler.scheduledRuns).to.deep.equal([first.run.id, next.run.id]);
  });

  it('when many triggers arrive while one run is queued, then they all yield that one run', async () => {
    const { sut, runs } = makeSut();

    const results = await Promise.all(Array.from({ length: 5 }, () => sut.execute('contacts-sync', 'all')));

    expect(new Set(results.map((r) => r.run.id)).size).to.equal(1);
    expect(results.filter((r) => !r.coalesced)).to.have.length(1);
    expect(runs.ids()).to.have.length(1);
  });
});
