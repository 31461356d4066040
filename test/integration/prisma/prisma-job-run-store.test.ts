import { expect } from 'chai';
import type { DependencyContainer } from 'tsyringe';
import { TOKENS } from '../../../src/application/tokens.js';
import type { ClientRunStats } from '../../../src/domain/jobs/job-run.js';
import type { JobRunStore } from '../../../src/domain/ports/job-run-store.port.js';
import { closeContainer } from '../../../src/infrastructure/container.js';
import { INFRA_TOKENS } from '../../../src/infrastructure/infra-tokens.js';
import type { ImporterMetrics } from '../../../src/infrastructure/metrics/importer-metrics.js';
import { sql, truncateAll } from '../../support/database.js';
import { makeTestContainer } from '../../support/test-container.js';

function clientStats(status: ClientRunStats['status'], pages = 0): ClientRunStats {
  return { status, pages, upstreamRequests: pages, retries: 0, rateLimited: 0, cursorBefore: null, cursorAfter: null };
}

describe('PrismaJobRunStore', () => {
  let container: DependencyContainer;
  let runs: JobRunStore;

  beforeEach(async () => {
    await truncateAll();
    ({ container } = makeTestContainer());
    runs = container.resolve<JobRunStore>(TOKENS.JobRunStore);
  });
  afterEach(() => closeContainer(container));

  it('when 20 triggers for one target arrive at once, then exactly one queued run is created and all point at it', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => runs.enqueue('import', 'acme', 'manual')));

    expect(new Set(results.map((r) => r.run.id)).size).to.equal(1);
    expect(results.filter((r) => !r.coalesced)).to.have.length(1);
  });

  it('when the queued run starts, then the next trigger creates a new queued run', async () => {
    const first = await runs.enqueue('import', 'acme', 'manual');
    await runs.markRunning(first.run.id);

    const second = await runs.enqueue('import', 'acme', 'manual');

    const started = await runs.findById(first.run.id);
    expect(started?.status).to.equal('running');
    expect(started?.startedAt).to.be.instanceOf(Date);
    expect(second.coalesced).to.equal(false);
    expect(second.run.id).to.not.equal(first.run.id);
  });

  it('when triggers differ in kind or slug, then they do not coalesce', async () => {
    const a = await runs.enqueue('import', 'acme', 'manual');
    const b = await runs.enqueue('contacts-sync', 'acme', 'manual');
    const c = await runs.enqueue('import', 'all', 'manual');

    expect(new Set([a.run.id, b.run.id, c.run.id]).size).to.equal(3);
  });

  it('when a cron tick creates a run, then it is recorded as scheduled and can be listed apart; a tick joining a queued run leaves it manual', async () => {
    const scheduled = await runs.enqueue('contacts-sync', 'all', 'schedule');
    const manual = await runs.enqueue('import', 'all', 'manual');
    const joined = await runs.enqueue('import', 'all', 'schedule');

    expect(scheduled.run.trigger).to.equal('schedule');
    expect(joined.run.id).to.equal(manual.run.id);
    expect(joined.run.trigger).to.equal('manual');
    expect((await runs.list({ trigger: 'schedule', limit: 10 })).map((run) => run.id)).to.deep.equal([scheduled.run.id]);
  });

  it('when clients of one run save their stats concurrently, then no entry is lost', async () => {
    const { run } = await runs.enqueue('import', 'all', 'manual');
    const slugs = Array.from({ length: 12 }, (_, i) => `client-${i}`);
    await runs.addClients(run.id, slugs);

    await Promise.all(slugs.flatMap((slug) => [1, 2, 3].map((pages) => runs.saveClientStats(run.id, slug, clientStats('running', pages)))));

    const stored = await runs.findById(run.id);
    expect(Object.keys(stored!.stats).sort()).to.deep.equal([...slugs].sort());
    expect(Object.values(stored!.stats).every((s) => s.status === 'running')).to.equal(true);
  });

  it('when clients are added again, then entries already under way are kept', async () => {
    const { run } = await runs.enqueue('import', 'all', 'manual');
    await runs.addClients(run.id, ['acme']);
    await runs.saveClientStats(run.id, 'acme', clientStats('running', 4));

    await runs.addClients(run.id, ['acme', 'globex']);

    const stored = await runs.findById(run.id);
    expect(stored!.stats.acme).to.include({ status: 'running', pages: 4 });
    expect(stored!.stats.globex).to.include({ status: 'queued', pages: 0 });
  });

  it('when a run finishes, then a second finish is refused and the first status stays', async () => {
    const { run } = await runs.enqueue('import', 'acme', 'manual');
    await runs.markRunning(run.id);

    const first = await runs.finish(run.id, 'failed', 'acme: boom');
    const second = await runs.finish(run.id, 'succeeded', null);

    const stored = await runs.findById(run.id);
    expect([first, second]).to.deep.equal([true, false]);
    expect(stored).to.include({ status: 'failed', error: 'acme: boom' });
    expect(stored?.finishedAt).to.be.instanceOf(Date);
  });

  it('when a queued run is cancelled, then it ends at once; when a running one is, then it is only marked', async () => {
    const queued = await runs.enqueue('import', 'acme', 'manual');
    const running = await runs.enqueue('import', 'globex', 'manual');
    await runs.markRunning(running.run.id);

    const cancelledQueued = await runs.requestCancel(queued.run.id);
    const markedRunning = await runs.requestCancel(running.run.id);

    expect(cancelledQueued).to.include({ status: 'cancelled' });
    expect(cancelledQueued?.finishedAt).to.be.instanceOf(Date);
    expect(markedRunning).to.include({ status: 'running', finishedAt: null });
    expect(markedRunning?.cancelRequestedAt).to.be.instanceOf(Date);
    expect(await runs.requestCancel('00000000-0000-4000-8000-000000000000')).to.equal(null);
  });

  it('when runs end (a queued one cancelled, a running one cancelled and then finished), then each end is measured once in the duration histogram', async () => {
    const queued = await runs.enqueue('import', 'acme', 'manual');
    const running = await runs.enqueue('contacts-sync', 'acme', 'manual');
    await runs.markRunning(running.run.id);

    await runs.requestCancel(queued.run.id);
    await runs.requestCancel(running.run.id);
    await runs.requestCancel(running.run.id);
    await runs.finish(running.run.id, 'cancelled', null);
    await runs.finish(running.run.id, 'cancelled', null);

    const metrics = await container.resolve<ImporterMetrics>(INFRA_TOKENS.Metrics).registry.metrics();
    expect(metrics).to.include('helpdesk_importer_job_run_duration_seconds_count{kind="import",status="cancelled"} 1');
    expect(metrics).to.include('helpdesk_importer_job_run_duration_seconds_count{kind="contacts-sync",status="cancelled"} 1');
  });

  it('when runs are listed, then they come newest first, filtered, at most the limit', async () => {
    for (const slug of ['a', 'b', 'c']) {
      const { run } = await runs.enqueue('import', slug, 'manual');
      await runs.finish(run.id, 'succeeded', null);
    }
    await runs.enqueue('contacts-sync', 'a', 'manual');

    const all = await runs.list({ limit: 10 });
    const imports = await runs.list({ kind: 'import', limit: 2 });
    const ofA = await runs.list({ slug: 'a', status: 'queued', limit: 10 });

    expect(all.map((r) => `${r.kind}:${r.slug}`)).to.deep.equal(['contacts-sync:a', 'import:c', 'import:b', 'import:a']);
    expect(imports.map((r) => r.slug)).to.deep.equal(['c', 'b']);
    expect(ofA.map((r) => r.kind)).to.deep.equal(['contacts-sync']);
  });

  it('when history is pruned, then only finished runs older than the cut-off go', async () => {
    const old = await runs.enqueue('import', 'old', 'manual');
    await runs.finish(old.run.id, 'succeeded', null);
    const oldButRunning = await runs.enqueue('import', 'busy', 'manual');
    await runs.markRunning(oldButRunning.run.id);
    await sql().query(`UPDATE job_runs SET requested_at = now() - interval '100 days'`);
    const recent = await runs.enqueue('import', 'recent', 'manual');
    await runs.finish(recent.run.id, 'succeeded', null);

    const deleted = await runs.deleteFinishedBefore(new Date(Date.now() - 90 * 24 * 3600 * 1000));

    expect(deleted).to.equal(1);
    expect((await runs.list({ limit: 10 })).map((r) => r.slug).sort()).to.deep.equal(['busy', 'recent']);
  });
});
