import { expect } from 'chai';
import { EndRunWhenClientsFinish } from '../../../src/application/jobs/end-run-when-clients-finish.js';
import { FanOutRunUseCase } from '../../../src/application/jobs/fan-out-run.use-case.js';
import type { Client } from '../../../src/domain/clients/client.js';
import type { ClientRunStats, JobKind } from '../../../src/domain/jobs/job-run.js';
import { aClient } from '../../fakes/builders.js';
import { InMemoryClientRepository } from '../../fakes/in-memory-client-repository.js';
import { InMemoryJobRunStore } from '../../fakes/in-memory-job-run-store.js';
import { RecordingJobScheduler } from '../../fakes/recording-job-scheduler.js';

function makeSut() {
  const runs = new InMemoryJobRunStore();
  const clients = new InMemoryClientRepository();
  const scheduler = new RecordingJobScheduler();
  const sut = new FanOutRunUseCase(runs, clients, scheduler, new EndRunWhenClientsFinish(runs));
  const withClient = (fields: Partial<Client> & { slug: string }): Client => {
    const client = aClient(fields);
    clients.seed(client);
    return client;
  };
  const queue = async (kind: JobKind, slug: string) => (await runs.enqueue(kind, slug, 'manual')).run.id;
  return { sut, runs, clients, scheduler, withClient, queue };
}

const QUEUED_ENTRY: ClientRunStats = { status: 'queued', pages: 0, upstreamRequests: 0, retries: 0, rateLimited: 0, cursorBefore: null, cursorAfter: null };

describe('FanOutRunUseCase', () => {
  it('when the run targets all clients, then every active client gets a client job and a queued entry, and inactive ones none', async () => {
    const { sut, runs, scheduler, withClient, queue } = makeSut();
    const acme = withClient({ slug: 'acme' });
    const beta = withClient({ slug: 'beta' });
    withClient({ slug: 'idle', active: false });
    const runId = await queue('import', 'all');

    await sut.execute(runId);

    expect(scheduler.scheduledClientJobs.map(({ runId, clientId }) => ({ runId, clientId }))).to.deep.equal([
      { runId, clientId: acme.id },
      { runId, clientId: beta.id },
    ]);
    const run = runs.run(runId);
    expect(run.status).to.equal('queued');
    expect(runs.clientStats(runId)).to.deep.equal({ acme: QUEUED_ENTRY, beta: QUEUED_ENTRY });
    expect(await runs.targetsOf(runId)).to.deep.equal([
      { slug: 'acme', clientId: acme.id },
      { slug: 'beta', clientId: beta.id },
    ]);
  });

  it('when the run targets one active slug, then only that client gets a client job', async () => {
    const { sut, runs, scheduler, withClient, queue } = makeSut();
    const acme = withClient({ slug: 'acme' });
    withClient({ slug: 'beta' });
    const runId = await queue('contacts-sync', 'acme');

    await sut.execute(runId);

    expect(scheduler.scheduledClientJobs.map(({ runId, clientId }) => ({ runId, clientId }))).to.deep.equal([{ runId, clientId: acme.id }]);
    expect(scheduler.clientCalls.map((c) => c.run.id)).to.deep.equal([runId]);
    expect(Object.keys(runs.clientStats(runId))).to.deep.equal(['acme']);
  });

  it('when the slug is unknown, then the run succeeds at once having processed nothing and no client is scheduled', async () => {
    const { sut, runs, scheduler, withClient, queue } = makeSut();
    withClient({ slug: 'acme' });
    const runId = await queue('import', 'nobody');

    await sut.execute(runId);

    const run = runs.run(runId);
    expect(run).to.deep.include({ status: 'succeeded', error: null, stats: {} });
    expect(run.finishedAt).to.be.instanceOf(Date);
    expect(scheduler.clientCalls).to.deep.equal([]);
  });

  it('when the slug names an inactive client, then the run succeeds at once having processed nothing and no client is scheduled', async () => {
    const { sut, runs, scheduler, withClient, queue } = makeSut();
    withClient({ slug: 'paused', active: false });
    const runId = await queue('import', 'paused');

    await sut.execute(runId);

    expect(runs.run(runId)).to.deep.include({ status: 'succeeded', error: null, stats: {} });
    expect(scheduler.clientCalls).to.deep.equal([]);
  });

  it('when the run targets all clients and none is active, then the run succeeds at once', async () => {
    const { sut, runs, scheduler, withClient, queue } = makeSut();
    withClient({ slug: 'paused', active: false });
    const runId = await queue('contacts-sync', 'all');

    await sut.execute(runId);

    expect(runs.run(runId)).to.deep.include({ status: 'succeeded', error: null, stats: {} });
    expect(scheduler.clientCalls).to.deep.equal([]);
  });

  it('when the fan-out runs twice, then each client is scheduled once and its entry is not reset', async () => {
    const { sut, runs, scheduler, withClient, queue } = makeSut();
    const acme = withClient({ slug: 'acme' });
    const beta = withClient({ slug: 'beta' });
    const runId = await queue('import', 'all');
    await sut.execute(runId);
    await runs.saveClientStats(runId, 'acme', { ...QUEUED_ENTRY, status: 'running', pages: 2 });
    const before = runs.run(runId);

    await sut.execute(runId);

    expect(scheduler.scheduledClientJobs.map(({ runId, clientId }) => ({ runId, clientId }))).to.deep.equal([
      { runId, clientId: acme.id },
      { runId, clientId: beta.id },
    ]);
    expect(runs.run(runId)).to.deep.equal(before);
    expect(runs.clientStats(runId)).to.deep.equal({ acme: { ...QUEUED_ENTRY, status: 'running', pages: 2 }, beta: QUEUED_ENTRY });
  });

  it('when the fan-out repeats after a client finished, then only the clients not finished are scheduled again, with the client ids first recorded', async () => {
    const { sut, runs, clients, scheduler, withClient, queue } = makeSut();
    const acme = withClient({ slug: 'acme' });
    const beta = withClient({ slug: 'beta' });
    const runId = await queue('import', 'all');
    await sut.execute(runId);
    await runs.saveClientStats(runId, 'acme', { ...QUEUED_ENTRY, status: 'succeeded' });
    // A client registered after the first fan-out is not part of this run.
    withClient({ slug: 'late' });
    clients.seed(aClient({ slug: 'beta', id: 'another-id' }));

    await sut.execute(runId);

    expect(scheduler.clientCalls.map((c) => c.clients)).to.deep.equal([
      [
        { slug: 'acme', clientId: acme.id },
        { slug: 'beta', clientId: beta.id },
      ],
      [{ slug: 'beta', clientId: beta.id }],
    ]);
    expect(Object.keys(runs.clientStats(runId))).to.deep.equal(['acme', 'beta']);
  });

  it('when the fan-out repeats after every client finished, then nothing is scheduled and the run ends as its clients did', async () => {
    const { sut, runs, scheduler, withClient, queue } = makeSut();
    withClient({ slug: 'acme' });
    withClient({ slug: 'beta' });
    const runId = await queue('import', 'all');
    await sut.execute(runId);
    await runs.saveClientStats(runId, 'acme', { ...QUEUED_ENTRY, status: 'succeeded' });
    await runs.saveClientStats(runId, 'beta', { ...QUEUED_ENTRY, status: 'failed', error: 'upstream rejected the token' });

    await sut.execute(runId);

    expect(scheduler.clientCalls).to.have.length(1);
    expect(runs.run(runId)).to.deep.include({ status: 'failed', error: 'beta: upstream rejected the token' });
    expect(runs.run(runId).stats).to.deep.equal(runs.clientStats(runId));
  });

  for (const status of ['running', 'succeeded', 'failed', 'cancelled'] as const) {
    it(`when the run is ${status}, then it is not fanned out`, async () => {
      const { sut, runs, scheduler, withClient } = makeSut();
      withClient({ slug: 'acme' });
      const run = runs.seed({ kind: 'import', slug: 'all', status });

      await sut.execute(run.id);

      expect(scheduler.clientCalls).to.deep.equal([]);
      expect(runs.run(run.id)).to.deep.equal(run);
    });
  }

  it('when the run is unknown, then nothing happens', async () => {
    const { sut, scheduler, withClient } = makeSut();
    withClient({ slug: 'acme' });

    await sut.execute('no-such-run');

    expect(scheduler.clientCalls).to.deep.equal([]);
  });
});
