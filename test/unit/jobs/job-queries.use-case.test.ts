import { expect } from 'chai';
import { GetJobUseCase } from '../../../src/application/jobs/get-job.use-case.js';
import { ListJobsUseCase } from '../../../src/application/jobs/list-jobs.use-case.js';
import { NotFoundError } from '../../../src/domain/errors.js';
import { at } from '../../fakes/builders.js';
import { InMemoryJobRunStore } from '../../fakes/in-memory-job-run-store.js';

function makeSut() {
  const runs = new InMemoryJobRunStore();
  return { runs, get: new GetJobUseCase(runs), list: new ListJobsUseCase(runs) };
}

describe('GetJobUseCase', () => {
  it('when the run exists, then it is returned', async () => {
    const { runs, get } = makeSut();
    const run = runs.seed({ kind: 'contacts-sync', slug: 'acme', status: 'running', startedAt: at(3) });

    expect(await get.execute(run.id)).to.deep.equal(run);
  });

  it('when the run is unknown, then it fails with NotFoundError', async () => {
    const { get } = makeSut();

    const error = await get.execute('no-such-run').catch((e: unknown) => e);

    expect(error).to.be.instanceOf(NotFoundError);
  });
});

describe('ListJobsUseCase', () => {
  it('when runs are listed, then they come newest first, at most `limit`', async () => {
    const { runs, list } = makeSut();
    const older = runs.seed({ requestedAt: at(1) });
    const newest = runs.seed({ requestedAt: at(3) });
    const middle = runs.seed({ requestedAt: at(2) });
    const sameInstantLater = runs.seed({ requestedAt: at(2) });

    expect((await list.execute({ limit: 10 })).map((r) => r.run.id)).to.deep.equal([newest.id, sameInstantLater.id, middle.id, older.id]);
    expect((await list.execute({ limit: 2 })).map((r) => r.run.id)).to.deep.equal([newest.id, sameInstantLater.id]);
  });

  it('when a filter is given, then only runs of that kind, slug and status are listed', async () => {
    const { runs, list } = makeSut();
    const wanted = runs.seed({ kind: 'import', slug: 'acme', status: 'failed', requestedAt: at(1) });
    runs.seed({ kind: 'contacts-sync', slug: 'acme', status: 'failed', requestedAt: at(2) });
    runs.seed({ kind: 'import', slug: 'beta', status: 'failed', requestedAt: at(3) });
    runs.seed({ kind: 'import', slug: 'acme', status: 'succeeded', requestedAt: at(4) });

    const found = await list.execute({ kind: 'import', slug: 'acme', status: 'failed', limit: 10 });

    expect(found.map((r) => r.run.id)).to.deep.equal([wanted.id]);
    expect((await list.execute({ slug: 'acme', limit: 10 })).map((r) => r.run.slug)).to.deep.equal(['acme', 'acme', 'acme']);
  });
});
