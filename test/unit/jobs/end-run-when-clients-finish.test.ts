import { expect } from 'chai';
import { EndRunWhenClientsFinish } from '../../../src/application/jobs/end-run-when-clients-finish.js';
import { queuedClientStats, type ClientRunStatus } from '../../../src/domain/jobs/job-run.js';
import { at, seqId } from '../../fakes/builders.js';
import { InMemoryJobRunStore } from '../../fakes/in-memory-job-run-store.js';

function makeSut() {
  const runs = new InMemoryJobRunStore(() => at(500));
  return { runs, sut: new EndRunWhenClientsFinish(runs) };
}

/** A running run of `count` clients `client-001`.., client i's status given by `statusOf(i)`. */
async function aRun(runs: InMemoryJobRunStore, count: number, statusOf: (i: number) => ClientRunStatus, fields: { cancelRequestedAt?: Date } = {}): Promise<string> {
  const run = runs.seed({ status: 'running', startedAt: at(1), ...fields });
  const slugs = Array.from({ length: count }, (_, k) => seqId('client', k + 1, 3));
  await runs.addClients(run.id, slugs.map((slug) => ({ slug, clientId: `id-of-${slug}` })));
  for (const [k, slug] of slugs.entries()) {
    const status = statusOf(k + 1);
    if (status !== 'queued') await runs.saveClientStats(run.id, slug, { ...queuedClientStats(), status, tickets: k + 1, ...(status === 'failed' ? { error: `error of ${slug}` } : {}) });
  }
  return run.id;
}

describe('EndRunWhenClientsFinish', () => {
  it('when a client of the run is still running, then the run goes on', async () => {
    const { runs, sut } = makeSut();
    const runId = await aRun(runs, 250, (i) => (i === 137 ? 'running' : 'succeeded'));

    await sut.execute(runId);

    expect(runs.run(runId)).to.include({ status: 'running', finishedAt: null });
    expect(await runs.tally(runId)).to.deep.include({ clients: 250, byStatus: { queued: 0, running: 1, succeeded: 249, failed: 0, cancelled: 0 } });
  });

  it('when all 250 clients succeeded, then the run succeeds and its stats hold every client', async () => {
    const { runs, sut } = makeSut();
    const runId = await aRun(runs, 250, () => 'succeeded');

    await sut.execute(runId);

    const run = runs.run(runId);
    expect(run).to.deep.include({ status: 'succeeded', error: null, finishedAt: at(500) });
    expect(Object.keys(run.stats)).to.have.length(250);
    expect(run.stats['client-250']).to.deep.include({ status: 'succeeded', tickets: 250 });
  });

  it('when 30 of 250 clients failed, then the run fails naming the first 20 in slug order and how many more failed', async () => {
    const { runs, sut } = makeSut();
    const runId = await aRun(runs, 250, (i) => (i % 8 === 0 && i <= 240 ? 'failed' : 'succeeded'));

    await sut.execute(runId);

    const run = runs.run(runId);
    const failed = Array.from({ length: 30 }, (_, k) => seqId('client', 8 * (k + 1), 3));
    expect((await runs.tally(runId)).byStatus).to.deep.equal({ queued: 0, running: 0, succeeded: 220, failed: 30, cancelled: 0 });
    expect(run.status).to.equal('failed');
    expect(run.error!.split('\n')).to.deep.equal([...failed.slice(0, 20).map((slug) => `${slug}: error of ${slug}`), '… and 10 more failed clients']);
  });

  it('when the run was cancelled, then it ends cancelled once its clients stopped, failures named', async () => {
    const { runs, sut } = makeSut();
    const runId = await aRun(runs, 5, (i) => (['succeeded', 'failed', 'cancelled', 'cancelled', 'cancelled'] as const)[i - 1]!, { cancelRequestedAt: at(3) });

    await sut.execute(runId);

    expect(runs.run(runId)).to.deep.include({ status: 'cancelled', error: 'client-002: error of client-002' });
  });

  it('when the run has already ended, then it is left as it was', async () => {
    const { runs, sut } = makeSut();
    const runId = await aRun(runs, 3, () => 'failed');
    await runs.finish(runId, 'cancelled', null);
    const ended = runs.run(runId);

    await sut.execute(runId);

    expect(runs.run(runId)).to.deep.equal(ended);
  });

  it('when the run is unknown, then it resolves and stores nothing', async () => {
    const { runs, sut } = makeSut();

    await sut.execute('no-such-run');

    expect(runs.ids()).to.deep.equal([]);
  });
});
