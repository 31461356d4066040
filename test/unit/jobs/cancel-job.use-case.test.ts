import { expect } from 'chai';
import { CancelJobUseCase } from '../../../src/application/jobs/cancel-job.use-case.js';
import { NotFoundError, RunAlreadyFinishedError } from '../../../src/domain/errors.js';
import { at } from '../../fakes/builders.js';
import { InMemoryJobRunStore } from '../../fakes/in-memory-job-run-store.js';
import { failureOf } from '../../support/failure-of.js';

function makeSut() {
  let now = at(100);
  const runs = new InMemoryJobRunStore(() => now);
  const sut = new CancelJobUseCase(runs);
  return { sut, runs, setNow: (date: Date) => (now = date) };
}


describe('CancelJobUseCase', () => {
  it('when the run is unknown, then it fails with NotFoundError', async () => {
    const { sut } = makeSut();

    const error = await failureOf(() => sut.execute('no-such-run'));

    expect(error).to.be.instanceOf(NotFoundError);
  });

  for (const status of ['succeeded', 'failed', 'cancelled'] as const) {
    it(`when the run has already ${status}, then it fails with RunAlreadyFinishedError and the run is left alone`, async () => {
      const { sut, runs } = makeSut();
      const run = runs.seed({ status, startedAt: at(1), finishedAt: at(2) });

      const error = await failureOf(() => sut.execute(run.id));

      expect(error).to.be.instanceOf(RunAlreadyFinishedError);
      expect((error as RunAlreadyFinishedError).message).to.include(status);
      expect(runs.run(run.id)).to.deep.equal(run);
    });
  }

  it('when the run is queued, then it is cancelled at once', async () => {
    const { sut, runs, setNow } = makeSut();
    const run = runs.seed({ status: 'queued', requestedAt: at(1) });
    setNow(at(5));

    const { run: result } = await sut.execute(run.id);

    expect(result).to.include({ id: run.id, status: 'cancelled', startedAt: null });
    expect(result.finishedAt).to.deep.equal(at(5));
    expect(runs.run(run.id)).to.deep.equal(result);
  });

  it('when the run is running, then it is marked for its clients to stop and keeps running until they do', async () => {
    const { sut, runs, setNow } = makeSut();
    const run = runs.seed({ status: 'running', requestedAt: at(1), startedAt: at(2) });
    setNow(at(5));

    const { run: result } = await sut.execute(run.id);

    expect(result).to.include({ id: run.id, status: 'running', finishedAt: null });
    expect(result.cancelRequestedAt).to.deep.equal(at(5));
    expect(runs.run(run.id)).to.deep.equal(result);
  });

  it('when a running run is cancelled twice, then the first request time is kept', async () => {
    const { sut, runs, setNow } = makeSut();
    const run = runs.seed({ status: 'running', startedAt: at(2) });
    setNow(at(5));
    await sut.execute(run.id);
    setNow(at(9));

    const { run: result } = await sut.execute(run.id);

    expect(result.cancelRequestedAt).to.deep.equal(at(5));
  });
});
