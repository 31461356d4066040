import { expect } from 'chai';
import { GetJobUseCase } from '../../../src/application/jobs/get-job.use-case.js';
import { CLIENTS_SHOWN } from '../../../src/application/jobs/job-run-detail.js';
import { ListJobsUseCase } from '../../../src/application/jobs/list-jobs.use-case.js';
import { ListRunClientsUseCase } from '../../../src/application/jobs/list-run-clients.use-case.js';
import { NotFoundError } from '../../../src/domain/errors.js';
import { queuedClientStats, type ClientRunStats, type ClientRunStatus } from '../../../src/domain/jobs/job-run.js';
import { at, seqId } from '../../fakes/builders.js';
import { InMemoryJobRunStore } from '../../fakes/in-memory-job-run-store.js';

function makeSut() {
  const runs = new InMemoryJobRunStore();
  return { runs, get: new GetJobUseCase(runs), list: new ListJobsUseCase(runs), listClients: new ListRunClientsUseCase(runs) };
}

const CLIENTS = 250;

/** Client i's status in the large run: 1–200 succeeded, 201–230 failed, 231–250 running. */
function statusOf(i: number): ClientRunStatus {
  return i <= 200 ? 'succeeded' : i <= 230 ? 'failed' : 'running';
}

/**
 * A running run of 250 clients `client-001`..`client-250`, fanned out, then each client's stats
 * saved in slug order (client i with i tickets, 2i messages, i + 1 upstream requests).
 */
async function aRunOf250Clients(runs: InMemoryJobRunStore): Promise<string> {
  const run = runs.seed({ slug: 'all', status: 'running', requestedAt: at(1), startedAt: at(1) });
  const slugs = Array.from({ length: CLIENTS }, (_, k) => seqId('client', k + 1, 3));
  await runs.addClients(run.id, slugs.map((slug) => ({ slug, clientId: `id-of-${slug}` })));
  for (const [k, slug] of slugs.entries()) {
    const i = k + 1;
    const status = statusOf(i);
    const stats: ClientRunStats = { ...queuedClientStats(), status, pages: 1, tickets: i, messages: 2 * i, upstreamRequests: i + 1, ...(status === 'failed' ? { error: `error of ${slug}` } : {}) };
    await runs.saveClientStats(run.id, slug, stats);
  }
  return run.id;
}

const sum = (from: number, to: number, f: (i: number) => number) => Array.from({ length: to - from + 1 }, (_, k) => f(from + k)).reduce((a, b) => a + b, 0);

describe('GetJobUseCase', () => {
  it('when the run exists and has no client recorded yet, then it is returned with no summary and no clients', async () => {
    const { runs, get } = makeSut();
    const run = runs.seed({ kind: 'contacts-sync', slug: 'acme', status: 'running', startedAt: at(3) });

    expect(await get.execute(run.id)).to.deep.equal({ run, summary: null, clients: [] });
  });

  it('when the run has a few clients, then every client is shown, in slug order, with the summary over them', async () => {
    const { runs, get } = makeSut();
    const run = runs.seed({ status: 'running' }, {});
    await runs.addClients(run.id, [
      { slug: 'beta', clientId: 'b' },
      { slug: 'acme', clientId: 'a' },
    ]);
    const acme: ClientRunStats = { ...queuedClientStats(), status: 'succeeded', pages: 2, tickets: 7, messages: 9, upstreamRequests: 12 };
    await runs.saveClientStats(run.id, 'acme', acme);

    const detail = await get.execute(run.id);

    expect(detail.clients).to.deep.equal([
      { slug: 'acme', stats: acme },
      { slug: 'beta', stats: queuedClientStats() },
    ]);
    expect(detail.summary).to.deep.include({ clients: 2, failures: [] });
    expect(detail.summary!.byStatus).to.deep.equal({ queued: 1, running: 0, succeeded: 1, failed: 0, cancelled: 0 });
    expect(detail.summary!.totals).to.deep.include({ pages: 2, tickets: 7, messages: 9, upstreamRequests: 12, retries: 0 });
  });

  it('when the run has 250 clients, then its detail shows the 100 most recently updated, in slug order, and a summary over all 250', async () => {
    const { runs, get } = makeSut();
    const runId = await aRunOf250Clients(runs);

    const detail = await get.execute(runId);

    expect(CLIENTS_SHOWN).to.equal(100);
    expect(detail.clients.map((c) => c.slug)).to.deep.equal(Array.from({ length: 100 }, (_, k) => seqId('client', 151 + k, 3)));
    expect(detail.clients[0]!.stats).to.deep.include({ status: 'succeeded', tickets: 151 });
    const summary = detail.summary!;
    expect(summary.clients).to.equal(250);
    expect(summary.byStatus).to.deep.equal({ queued: 0, running: 20, succeeded: 200, failed: 30, cancelled: 0 });
    expect(summary.totals).to.deep.include({ pages: 250, tickets: sum(1, 250, (i) => i), messages: sum(1, 250, (i) => 2 * i), upstreamRequests: sum(1, 250, (i) => i + 1) });
    expect(summary.failures.map((f) => f.slug)).to.deep.equal(Array.from({ length: 20 }, (_, k) => seqId('client', 201 + k, 3)));
    expect(summary.failures[0]).to.deep.equal({ slug: 'client-201', error: 'error of client-201' });
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

  it('when runs of different sizes are listed, then each carries its own summary and clients', async () => {
    const { runs, list } = makeSut();
    const large = await aRunOf250Clients(runs);
    const small = runs.seed({ slug: 'acme', requestedAt: at(2) }, { acme: { ...queuedClientStats(), status: 'running', tickets: 4 } });
    const empty = runs.seed({ slug: 'nobody', status: 'succeeded', requestedAt: at(3) });

    const found = await list.execute({ limit: 10 });

    expect(found.map((d) => [d.run.id, d.summary?.clients ?? null, d.clients.length])).to.deep.equal([
      [empty.id, null, 0],
      [small.id, 1, 1],
      [large, 250, 100],
    ]);
    expect(found[1]!.summary!.totals.tickets).to.equal(4);
  });
});

describe('ListRunClientsUseCase', () => {
  it('when a run of 250 clients is paged through with `next`, then every client comes once, in slug order', async () => {
    const { runs, listClients } = makeSut();
    const runId = await aRunOf250Clients(runs);

    const pages: string[][] = [];
    let after: string | undefined;
    for (;;) {
      const page = await listClients.execute(runId, { limit: 100, ...(after ? { after } : {}) });
      pages.push(page.clients.map((c) => c.slug));
      if (page.next === null) break;
      expect(page.next).to.equal(page.clients.at(-1)!.slug);
      after = page.next;
    }

    expect(pages.map((p) => p.length)).to.deep.equal([100, 100, 50]);
    expect(pages.flat()).to.deep.equal(Array.from({ length: CLIENTS }, (_, k) => seqId('client', k + 1, 3)));
  });

  it('when the last page is full, then its `next` leads to an empty page whose `next` is null', async () => {
    const { runs, listClients } = makeSut();
    const runId = await aRunOf250Clients(runs);

    const first = await listClients.execute(runId, { limit: 125 });
    const second = await listClients.execute(runId, { limit: 125, after: first.next! });
    const third = await listClients.execute(runId, { limit: 125, after: second.next! });

    expect([first.clients.length, second.clients.length, third.clients.length]).to.deep.equal([125, 125, 0]);
    expect([first.next, second.next, third.next]).to.deep.equal(['client-125', 'client-250', null]);
  });

  it('when filtered by status, then only those clients are listed, in slug order', async () => {
    const { runs, listClients } = makeSut();
    const runId = await aRunOf250Clients(runs);

    const failed = await listClients.execute(runId, { status: 'failed', limit: 100 });

    expect(failed.clients.map((c) => c.slug)).to.deep.equal(Array.from({ length: 30 }, (_, k) => seqId('client', 201 + k, 3)));
    expect(failed.clients.every((c) => c.stats.status === 'failed')).to.equal(true);
    expect(failed.next).to.equal(null);
  });

  it('when the run is unknown, then it fails with NotFoundError', async () => {
    const { listClients } = makeSut();

    const error = await listClients.execute('no-such-run', { limit: 10 }).catch((e: unknown) => e);

    expect(error).to.be.instanceOf(NotFoundError);
  });
});
