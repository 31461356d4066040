import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import type { DependencyContainer } from 'tsyringe';
import { TOKENS } from '../../../src/application/tokens.js';
import type { ClientRunStats } from '../../../src/domain/jobs/job-run.js';
import type { JobRunStore, RunTarget } from '../../../src/domain/ports/job-run-store.port.js';
import { closeContainer } from '../../../src/infrastructure/container.js';
import { INFRA_TOKENS } from '../../../src/infrastructure/infra-tokens.js';
import type { ImporterMetrics } from '../../../src/infrastructure/metrics/importer-metrics.js';
import { sql, testDatabaseUrl, truncateAll } from '../../support/database.js';
import { makeTestContainer } from '../../support/test-container.js';
import { waitFor } from '../../support/wait-for.js';

function clientStats(status: ClientRunStats['status'], pages = 0, extra: Partial<ClientRunStats> = {}): ClientRunStats {
  return { status, pages, upstreamRequests: pages, retries: 0, rateLimited: 0, cursorBefore: null, cursorAfter: null, ...extra };
}

/** `count` targets `client-0001`.., each with its own client id. */
function targets(count: number, prefix = 'client'): RunTarget[] {
  return Array.from({ length: count }, (_, k) => ({ slug: `${prefix}-${String(k + 1).padStart(4, '0')}`, clientId: randomUUID() }));
}

interface ClientRow {
  slug: string;
  client_id: string | null;
  status: string;
  stats: ClientRunStats;
  started_at: Date | null;
  updated_at: Date;
}

async function clientRows(runId: string): Promise<ClientRow[]> {
  const { rows } = await sql().query<ClientRow>('SELECT slug, client_id, status, stats, started_at, updated_at FROM job_run_clients WHERE run_id = $1 ORDER BY slug', [runId]);
  return rows;
}

async function runRow(runId: string): Promise<{ status: string; stats: Record<string, ClientRunStats> }> {
  const { rows } = await sql().query<{ status: string; stats: Record<string, ClientRunStats> }>('SELECT status, stats FROM job_runs WHERE id = $1', [runId]);
  return rows[0]!;
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

  it('when two clients of a queued run start at the same moment, then both see it running (the second waited for the first one\'s row lock)', async () => {
    const { run } = await runs.enqueue('import', 'all', 'manual');
    const other = new pg.Client({ connectionString: testDatabaseUrl() });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query(`UPDATE job_runs SET status = 'running', started_at = now() WHERE id = $1`, [run.id]);
      const second = runs.markRunning(run.id);
      // The second client's statement now waits for the first one's row lock.
      await waitFor(async () => (await sql().query(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%UPDATE job_runs SET status%'`)).rows.length > 0, 'the second start to wait for the row lock');
      await other.query('COMMIT');

      expect((await second)?.status).to.equal('running');
    } finally {
      await other.end();
    }
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

  it('when triggers differ in their parameters, then they do not coalesce; the same parameters, given in another order, join the queued run and are kept with it', async () => {
    const week = await runs.enqueue('backfill', 'acme', 'manual', { from: '2026-11-01T00:00:00.000Z', to: '2026-11-08T00:00:00.000Z' });
    const weekAgain = await runs.enqueue('backfill', 'acme', 'manual', { to: '2026-11-08T00:00:00.000Z', from: '2026-11-01T00:00:00.000Z' });
    const month = await runs.enqueue('backfill', 'acme', 'manual', { from: '2026-10-01T00:00:00.000Z' });
    const check = await runs.enqueue('reconcile', 'acme', 'manual');
    const repair = await runs.enqueue('reconcile', 'acme', 'manual', { repair: true });

    expect(weekAgain).to.include({ coalesced: true });
    expect(weekAgain.run.id).to.equal(week.run.id);
    expect(new Set([week.run.id, month.run.id, check.run.id, repair.run.id]).size).to.equal(4);
    expect((await runs.findById(month.run.id))!.params).to.deep.equal({ from: '2026-10-01T00:00:00.000Z' });
    expect((await runs.findById(repair.run.id))!.params).to.deep.equal({ repair: true });
  });

  it('when a reconcile run is summarized, then its findings (objects) are left out of the sums and its counters still add up', async () => {
    const { run } = await runs.enqueue('reconcile', 'all', 'manual');
    await runs.addClients(run.id, targets(2));
    const findings = { drift: true, tickets: { upstream: 10, stored: 9, missing: 1, goneUpstream: 0, window: null }, messages: { sampled: 5, mismatched: 0 }, contacts: { upstream: 3, stored: 3 } };
    await runs.saveClientStats(run.id, 'client-0001', clientStats('succeeded', 2, findings));
    await runs.saveClientStats(run.id, 'client-0002', clientStats('succeeded', 3, { ...findings, drift: false }));

    const summary = (await runs.summarize([run.id])).get(run.id)!;

    expect(summary.totals).to.include({ pages: 5, upstreamRequests: 5, tickets: 0, messages: 0, contacts: 0 });
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
    const clients = targets(12);
    await runs.addClients(run.id, clients);

    await Promise.all(clients.flatMap(({ slug }) => [1, 2, 3].map((pages) => runs.saveClientStats(run.id, slug, clientStats('running', pages)))));

    const rows = await clientRows(run.id);
    expect(rows.map((r) => r.slug)).to.deep.equal(clients.map((c) => c.slug));
    expect(rows.every((r) => r.status === 'running' && r.stats.status === 'running')).to.equal(true);
    expect((await runRow(run.id)).stats).to.deep.equal({});
  });

  it('when 1,000 clients are added in one call, then each gets its queued row with its client id', async () => {
    const { run } = await runs.enqueue('import', 'all', 'manual');
    const clients = targets(1000);

    await runs.addClients(run.id, clients);

    const rows = await clientRows(run.id);
    expect(rows).to.have.length(1000);
    expect(rows.map((r) => [r.slug, r.client_id])).to.deep.equal(clients.map((c) => [c.slug, c.clientId]));
    expect(rows.every((r) => r.status === 'queued' && r.started_at === null)).to.equal(true);
    expect(rows[0]!.stats).to.deep.equal(clientStats('queued'));
    expect(await runs.targetsOf(run.id)).to.deep.equal(clients);
    expect((await runs.tally(run.id)).byStatus).to.deep.equal({ queued: 1000, running: 0, succeeded: 0, failed: 0, cancelled: 0 });
  });

  it('when clients are added again, then entries already under way are kept', async () => {
    const { run } = await runs.enqueue('import', 'all', 'manual');
    const [acme, globex] = [{ slug: 'acme', clientId: randomUUID() }, { slug: 'globex', clientId: randomUUID() }];
    await runs.addClients(run.id, [acme]);
    await runs.saveClientStats(run.id, 'acme', clientStats('running', 4));

    await runs.addClients(run.id, [acme, globex]);

    expect(await runs.findClient(run.id, 'acme')).to.include({ status: 'running', pages: 4 });
    expect(await runs.findClient(run.id, 'globex')).to.include({ status: 'queued', pages: 0 });
    expect(await runs.findClient(run.id, 'nobody')).to.equal(null);
    expect(await runs.targetsOf(run.id)).to.deep.equal([acme, globex]);
  });

  it('when clients are added to a run that has ended, then none is recorded', async () => {
    const { run } = await runs.enqueue('import', 'all', 'manual');
    await runs.finish(run.id, 'cancelled', null);

    await runs.addClients(run.id, targets(3));

    expect(await clientRows(run.id)).to.deep.equal([]);
  });

  it('when a client recorded without a client id (its client deleted before a migration) is added again, then the repeat succeeds and keeps it', async () => {
    const { run } = await runs.enqueue('import', 'all', 'manual');
    await runs.saveClientStats(run.id, 'gone', clientStats('queued'));
    const recorded = await runs.targetsOf(run.id);

    await runs.addClients(run.id, recorded);

    expect((await clientRows(run.id)).map((r) => [r.slug, r.client_id])).to.deep.equal([['gone', null]]);
  });

  it('when a client saves its stats, then only its own row changes, and it is told to go on', async () => {
    const { run } = await runs.enqueue('import', 'all', 'manual');
    await runs.markRunning(run.id);
    await runs.addClients(run.id, targets(50));
    await sql().query(`UPDATE job_run_clients SET updated_at = '2026-01-01T00:00:00Z' WHERE run_id = $1`, [run.id]);
    const before = await clientRows(run.id);
    const runBefore = await runRow(run.id);
    const stats = clientStats('running', 3, { startedAt: '2026-11-01T10:00:00.000Z', tickets: 250, cursorAfter: '2026-10-31T00:00:00.000Z' });

    const answer = await runs.saveClientStats(run.id, 'client-0017', stats);

    expect(answer).to.deep.equal({ stopRequested: false });
    const after = await clientRows(run.id);
    const changed = after.filter((row, i) => JSON.stringify(row) !== JSON.stringify(before[i]));
    expect(changed.map((r) => r.slug)).to.deep.equal(['client-0017']);
    expect(changed[0]).to.deep.include({ status: 'running', stats, started_at: new Date('2026-11-01T10:00:00.000Z') });
    expect(changed[0]!.updated_at.getTime()).to.be.greaterThan(new Date('2026-01-01T00:00:00Z').getTime());
    expect(await runRow(run.id)).to.deep.equal(runBefore);
  });

  it('when the run is cancelled while running, or has ended, then a client saving its stats is told to stop', async () => {
    const cancelled = (await runs.enqueue('import', 'acme', 'manual')).run;
    await runs.markRunning(cancelled.id);
    const ended = (await runs.enqueue('import', 'globex', 'manual')).run;
    await runs.markRunning(ended.id);
    const goingOn = (await runs.enqueue('import', 'initech', 'manual')).run;
    await runs.markRunning(goingOn.id);

    await runs.requestCancel(cancelled.id);
    await runs.finish(ended.id, 'failed', 'by hand');

    expect(await runs.saveClientStats(cancelled.id, 'acme', clientStats('running', 1))).to.deep.equal({ stopRequested: true });
    expect(await runs.saveClientStats(ended.id, 'globex', clientStats('running', 1))).to.deep.equal({ stopRequested: true });
    expect(await runs.saveClientStats(goingOn.id, 'initech', clientStats('running', 1))).to.deep.equal({ stopRequested: false });
    expect(await runs.findClient(cancelled.id, 'acme')).to.include({ status: 'running', pages: 1 });
  });

  describe('reading a large run', () => {
    /** A running run of 250 clients: 1–200 succeeded, 201–230 failed, 231–250 running; client i counts i tickets, updated i seconds into the day. */
    async function aRunOf250Clients(): Promise<string> {
      const { run } = await runs.enqueue('import', 'all', 'manual');
      await runs.markRunning(run.id);
      const clients = targets(250);
      await runs.addClients(run.id, clients);
      for (const [k, { slug }] of clients.entries()) {
        const i = k + 1;
        const status = i <= 200 ? 'succeeded' : i <= 230 ? 'failed' : 'running';
        await runs.saveClientStats(run.id, slug, clientStats(status, 1, { tickets: i, messages: 2 * i, upstreamRequests: i + 1, ...(status === 'failed' ? { error: `error of ${slug}` } : {}) }));
      }
      await sql().query(`UPDATE job_run_clients SET updated_at = '2026-11-01T00:00:00Z'::timestamptz + substr(slug, 8)::int * interval '1 second' WHERE run_id = $1`, [run.id]);
      return run.id;
    }
    const sum = (f: (i: number) => number) => Array.from({ length: 250 }, (_, k) => f(k + 1)).reduce((a, b) => a + b, 0);
    const slugsFrom = (first: number, count: number) => Array.from({ length: count }, (_, k) => `client-${String(first + k).padStart(4, '0')}`);

    it('when a run of 250 clients is summarized, then the counts by status and the totals cover all of them, and the first 20 failures are named', async () => {
      const runId = await aRunOf250Clients();
      const other = (await runs.enqueue('import', 'acme', 'manual')).run.id;
      const empty = (await runs.enqueue('contacts-sync', 'acme', 'manual')).run.id;
      await runs.addClients(other, [{ slug: 'acme', clientId: randomUUID() }]);

      const summaries = await runs.summarize([runId, other, empty]);

      const summary = summaries.get(runId)!;
      expect(summary.clients).to.equal(250);
      expect(summary.byStatus).to.deep.equal({ queued: 0, running: 20, succeeded: 200, failed: 30, cancelled: 0 });
      expect(summary.totals).to.deep.include({ pages: 250, tickets: sum((i) => i), messages: sum((i) => 2 * i), upstreamRequests: sum((i) => i + 1), retries: 0, contacts: 0 });
      expect(summary.failures).to.deep.equal(slugsFrom(201, 20).map((slug) => ({ slug, error: `error of ${slug}` })));
      expect(summaries.get(other)).to.deep.include({ clients: 1, failures: [] });
      expect(summaries.has(empty)).to.equal(false);
      expect(await runs.summarize([])).to.deep.equal(new Map());
    });

    it('when a run of 250 clients is tallied, then it counts each status and names the first 20 failures in slug order', async () => {
      const runId = await aRunOf250Clients();

      const tally = await runs.tally(runId);

      expect(tally).to.deep.equal({
        clients: 250,
        byStatus: { queued: 0, running: 20, succeeded: 200, failed: 30, cancelled: 0 },
        failures: slugsFrom(201, 20).map((slug) => ({ slug, error: `error of ${slug}` })),
      });
    });

    it('when the recent clients of runs are asked for, then each run gives at most the limit, most recently updated first', async () => {
      const runId = await aRunOf250Clients();
      const small = (await runs.enqueue('import', 'acme', 'manual')).run.id;
      await runs.addClients(small, [{ slug: 'acme', clientId: randomUUID() }]);

      const recent = await runs.recentClients([runId, small], 100);

      expect(recent.get(runId)!.map((c) => c.slug)).to.deep.equal(slugsFrom(151, 100).reverse());
      expect(recent.get(runId)![0]!.stats).to.deep.include({ status: 'running', tickets: 250 });
      expect(recent.get(small)!.map((c) => c.slug)).to.deep.equal(['acme']);
      expect(await runs.recentClients([], 100)).to.deep.equal(new Map());
    });

    it('when the clients of a run are listed page by page, then they come in slug order, filtered by status when asked', async () => {
      const runId = await aRunOf250Clients();

      const first = await runs.listClients(runId, { limit: 100 });
      const third = await runs.listClients(runId, { after: 'client-0200', limit: 100 });
      const failed = await runs.listClients(runId, { status: 'failed', after: 'client-0210', limit: 5 });

      expect(first.map((c) => c.slug)).to.deep.equal(slugsFrom(1, 100));
      expect(first[0]!.stats).to.deep.include({ status: 'succeeded', tickets: 1 });
      expect(third.map((c) => c.slug)).to.deep.equal(slugsFrom(201, 50));
      expect(failed.map((c) => [c.slug, c.stats.status])).to.deep.equal(slugsFrom(211, 5).map((slug) => [slug, 'failed']));
    });

    it('when the run finishes, then every client\'s stats are copied into its stats, keyed by slug', async () => {
      const runId = await aRunOf250Clients();
      const rows = await clientRows(runId);

      expect(await runs.finish(runId, 'failed', 'some failed')).to.equal(true);

      const run = await runs.findById(runId);
      expect(run).to.include({ status: 'failed', error: 'some failed' });
      expect(Object.keys(run!.stats)).to.deep.equal(rows.map((r) => r.slug));
      expect(run!.stats).to.deep.equal(Object.fromEntries(rows.map((r) => [r.slug, r.stats])));
    });
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

  it('when a queued run is cancelled, then its clients are cancelled with it and copied into its stats; a running run\'s clients are left to stop themselves', async () => {
    const queued = (await runs.enqueue('import', 'all', 'manual')).run;
    await runs.addClients(queued.id, targets(3));
    const running = (await runs.enqueue('import', 'acme', 'manual')).run;
    await runs.markRunning(running.id);
    await runs.addClients(running.id, [{ slug: 'acme', clientId: randomUUID() }]);
    await runs.saveClientStats(running.id, 'acme', clientStats('running', 2));

    await runs.requestCancel(queued.id);
    await runs.requestCancel(running.id);

    const rows = await clientRows(queued.id);
    expect(rows.map((r) => [r.status, r.stats.status])).to.deep.equal([['cancelled', 'cancelled'], ['cancelled', 'cancelled'], ['cancelled', 'cancelled']]);
    const run = await runs.findById(queued.id);
    expect(run!.status).to.equal('cancelled');
    expect(run!.stats).to.deep.equal(Object.fromEntries(rows.map((r) => [r.slug, r.stats])));
    expect(await runs.findClient(running.id, 'acme')).to.include({ status: 'running', pages: 2 });
    expect((await runRow(running.id)).stats).to.deep.equal({});
  });

  it('when another run of the kind succeeded on the client having started since, then it covers the client; not otherwise', async () => {
    const since = await runs.currentTime();
    const mine = (await runs.enqueue('import', 'acme', 'manual')).run;
    const covering = (await runs.enqueue('import', 'all', 'manual')).run;
    const otherKind = (await runs.enqueue('contacts-sync', 'all', 'manual')).run;
    const failedRun = (await runs.enqueue('import', 'beta', 'manual')).run;
    const later = new Date(since.getTime() + 1000).toISOString();
    const earlier = new Date(since.getTime() - 1000).toISOString();
    await runs.saveClientStats(mine.id, 'acme', clientStats('succeeded', 1, { startedAt: later }));
    await runs.saveClientStats(covering.id, 'acme', clientStats('succeeded', 1, { startedAt: later }));
    await runs.saveClientStats(covering.id, 'early', clientStats('succeeded', 1, { startedAt: earlier }));
    await runs.saveClientStats(otherKind.id, 'beta', clientStats('succeeded', 1, { startedAt: later }));
    await runs.saveClientStats(failedRun.id, 'beta', clientStats('failed', 1, { startedAt: later }));

    expect(await runs.findRunCoveringClient('import', 'acme', since, mine.id)).to.equal(covering.id);
    expect(await runs.findRunCoveringClient('import', 'acme', since, covering.id)).to.equal(mine.id);
    expect(await runs.findRunCoveringClient('import', 'early', since, mine.id)).to.equal(null);
    expect(await runs.findRunCoveringClient('import', 'beta', since, mine.id)).to.equal(null);
    expect(await runs.findRunCoveringClient('contacts-sync', 'beta', since, mine.id)).to.equal(otherKind.id);
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

  it('when history is pruned, then only runs that finished before the cut-off go', async () => {
    const old = await runs.enqueue('import', 'old', 'manual');
    await runs.finish(old.run.id, 'succeeded', null);
    const oldButRunning = await runs.enqueue('import', 'busy', 'manual');
    await runs.markRunning(oldButRunning.run.id);
    const longRun = await runs.enqueue('import', 'long', 'manual');
    await runs.finish(longRun.run.id, 'succeeded', null);
    await sql().query(`UPDATE job_runs SET requested_at = now() - interval '100 days', finished_at = CASE WHEN finished_at IS NULL THEN NULL ELSE now() - interval '100 days' END`);
    // Requested long ago, finished within the window: it stays.
    await sql().query(`UPDATE job_runs SET finished_at = now() - interval '1 day' WHERE id = $1`, [longRun.run.id]);
    const recent = await runs.enqueue('import', 'recent', 'manual');
    await runs.finish(recent.run.id, 'succeeded', null);

    await runs.addClients(old.run.id, targets(2));
    await runs.saveClientStats(old.run.id, 'old', clientStats('succeeded', 1));
    await runs.saveClientStats(oldButRunning.run.id, 'busy', clientStats('running', 1));

    const deleted = await runs.deleteFinishedBefore(new Date(Date.now() - 90 * 24 * 3600 * 1000));

    expect(deleted).to.equal(1);
    expect((await runs.list({ limit: 10 })).map((r) => r.slug).sort()).to.deep.equal(['busy', 'long', 'recent']);
    expect(await clientRows(old.run.id)).to.deep.equal([]);
    expect((await clientRows(oldButRunning.run.id)).map((r) => r.slug)).to.deep.equal(['busy']);
  });

  it('when history is pruned, then a run whose webhook deliveries are still being tried stays; once they settle or their window ends, it goes', async () => {
    const finishedLongAgo = async (slug: string, delivery: { status: string; giveUpIn: string }) => {
      const { run } = await runs.enqueue('import', slug, 'manual');
      await runs.finish(run.id, 'succeeded', null);
      await sql().query(`UPDATE job_runs SET finished_at = now() - interval '100 days' WHERE id = $1`, [run.id]);
      await sql().query(
        `INSERT INTO webhook_deliveries (webhook_id, event_type, run_id, target_url, payload, status, give_up_at) VALUES ($1, 'run.finished', $2, 'https://hooks.example.com/in', '{}', $3, now() + $4::interval)`,
        [`msg_${slug}`, run.id, delivery.status, delivery.giveUpIn],
      );
      return run.id;
    };
    const beingTried = await finishedLongAgo('retrying', { status: 'pending', giveUpIn: '2 hours' });
    await finishedLongAgo('delivered', { status: 'delivered', giveUpIn: '2 hours' });
    await finishedLongAgo('abandoned', { status: 'pending', giveUpIn: '-1 hour' });

    const deleted = await runs.deleteFinishedBefore(new Date(Date.now() - 90 * 24 * 3600 * 1000));

    expect(deleted).to.equal(2);
    expect((await runs.list({ limit: 10 })).map((r) => r.slug)).to.deep.equal(['retrying']);
    expect((await sql().query('SELECT run_id FROM webhook_deliveries')).rows).to.deep.equal([{ run_id: beingTried }]);
  });

  describe('queuing webhook events with what they tell about', () => {
    const RECEIVER = 'https://hooks.example.com/in';
    let withWebhooks: DependencyContainer;
    let store: JobRunStore;
    beforeEach(() => {
      withWebhooks = makeTestContainer({ webhooks: { url: RECEIVER, secret: `whsec_${Buffer.alloc(32, 7).toString('base64')}` } }).container;
      store = withWebhooks.resolve<JobRunStore>(TOKENS.JobRunStore);
    });
    afterEach(() => closeContainer(withWebhooks));

    const queued = async () =>
      (await sql().query<{ webhook_id: string; event_type: string; client_slug: string | null; target_url: string | null; payload: string }>('SELECT webhook_id, event_type, client_slug, target_url, payload FROM webhook_deliveries ORDER BY event_type, client_slug, target_url')).rows;

    it('when a share is saved as finished a second time (a redelivered job), then no second event is queued: the first one stays, same webhook-id', async () => {
      const { run } = await store.enqueue('import', 'all', 'manual');
      await store.addClients(run.id, targets(2));
      await store.saveClientStats(run.id, 'client-0001', clientStats('running', 1));
      expect(await queued()).to.deep.equal([]);

      await store.saveClientStats(run.id, 'client-0001', clientStats('succeeded', 2));
      const first = await queued();
      await store.saveClientStats(run.id, 'client-0001', clientStats('cancelled', 2));

      expect(first.map((d) => [d.event_type, d.client_slug, d.target_url])).to.deep.equal([['client_run.finished', 'client-0001', RECEIVER]]);
      expect(await queued()).to.deep.equal(first);
      expect(JSON.parse(first[0]!.payload).data).to.include({ status: 'succeeded', client: 'client-0001', kind: 'import', runSlug: 'all' });
    });

    it('when a run finishes, then run.finished is queued in the finishing statement, ended at the time it says; a second finish queues nothing', async () => {
      const { run } = await store.enqueue('import', 'acme', 'manual');
      await store.addClients(run.id, targets(1, 'acme'));
      await store.saveClientStats(run.id, 'acme-0001', clientStats('succeeded', 1));

      expect(await store.finish(run.id, 'succeeded', null)).to.equal(true);
      expect(await store.finish(run.id, 'failed', 'again')).to.equal(false);

      const events = (await queued()).filter((d) => d.event_type === 'run.finished');
      expect(events).to.have.length(1);
      const { data } = JSON.parse(events[0]!.payload);
      expect(data).to.include({ id: run.id, status: 'succeeded' });
      expect(data.finishedAt).to.equal((await store.findById(run.id))!.finishedAt!.toISOString());
    });

    it('when an API-only process without the webhook settings cancels a queued run, then its events are queued for the workers’ receiver (no URL: resolved when sent) and the client’s own', async () => {
      const api = makeTestContainer({ apiOnly: true }).container;
      try {
        const apiRuns = api.resolve<JobRunStore>(TOKENS.JobRunStore);
        const { rows } = await sql().query<{ id: string }>(`INSERT INTO clients (slug, name, api_base_url, api_token, webhook_url) VALUES ('acme', 'Acme', 'https://acme.example/api/v1', 't', 'https://acme.example.com/hooks') RETURNING id`);
        const { run } = await apiRuns.enqueue('import', 'acme', 'manual');
        await apiRuns.addClients(run.id, [{ slug: 'acme', clientId: rows[0]!.id }]);

        await apiRuns.requestCancel(run.id);

        expect((await queued()).map((d) => [d.event_type, d.client_slug, d.target_url])).to.deep.equal([
          ['client_run.finished', 'acme', 'https://acme.example.com/hooks'],
          ['client_run.finished', 'acme', null],
          ['run.finished', null, 'https://acme.example.com/hooks'],
          ['run.finished', null, null],
        ]);
      } finally {
        await closeContainer(api);
      }
    });

    it('when a worker without WEBHOOK_SECRET finishes runs and shares, then nothing is queued (webhooks are off)', async () => {
      const { run } = await runs.enqueue('import', 'acme', 'manual');
      await runs.addClients(run.id, targets(1, 'acme'));
      await runs.saveClientStats(run.id, 'acme-0001', clientStats('succeeded', 1));
      await runs.finish(run.id, 'succeeded', null);

      expect(await queued()).to.deep.equal([]);
    });
  });

  it('when the migration runs over existing runs, then each client of their stats gets its own row, and runs under way keep them there only', async () => {
    const migration = await readFile(new URL('../../../prisma/migrations/20261201000300_job_run_clients/migration.sql', import.meta.url), 'utf8');
    const db = await sql().connect();
    try {
      await db.query('BEGIN');
      // The tables as they were before the migration, in a schema of their own, dropped with the rollback.
      await db.query(`CREATE SCHEMA before_job_run_clients; SET LOCAL search_path = before_job_run_clients;
        CREATE TABLE clients (LIKE public.clients INCLUDING ALL); CREATE TABLE job_runs (LIKE public.job_runs INCLUDING ALL)`);
      const acmeId = randomUUID();
      await db.query(`INSERT INTO clients (id, slug, name, api_base_url, api_token) VALUES ($1, 'acme', 'acme', 'https://acme.example', 'secret')`, [acmeId]);
      const finished = { acme: clientStats('succeeded', 3, { startedAt: '2026-11-30T10:00:00.000Z', tickets: 7 }), gone: clientStats('failed', 1, { error: 'boom' }) };
      const underWay = { acme: clientStats('running', 2, { startedAt: '2026-12-01T09:00:00.000Z' }) };
      const { rows: ids } = await db.query<{ id: string }>(
        `INSERT INTO job_runs (kind, slug, status, trigger, stats) VALUES ('import', 'all', 'succeeded', 'manual', $1), ('import', 'acme', 'running', 'manual', $2), ('import', 'beta', 'queued', 'manual', '{}') RETURNING id`,
        [JSON.stringify(finished), JSON.stringify(underWay)],
      );
      const [finishedId, underWayId, queuedId] = ids.map((r) => r.id);

      await db.query(migration);

      const { rows } = await db.query<{ run_id: string; slug: string; client_id: string | null; status: string; stats: ClientRunStats; started_at: Date | null }>(
        'SELECT run_id, slug, client_id, status, stats, started_at FROM job_run_clients ORDER BY run_id = $1 DESC, slug',
        [finishedId],
      );
      expect(rows).to.deep.equal([
        { run_id: finishedId, slug: 'acme', client_id: acmeId, status: 'succeeded', stats: finished.acme, started_at: new Date('2026-11-30T10:00:00.000Z') },
        { run_id: finishedId, slug: 'gone', client_id: null, status: 'failed', stats: finished.gone, started_at: null },
        { run_id: underWayId, slug: 'acme', client_id: acmeId, status: 'running', stats: underWay.acme, started_at: new Date('2026-12-01T09:00:00.000Z') },
      ]);
      const { rows: runsAfter } = await db.query<{ id: string; stats: unknown }>('SELECT id, stats FROM job_runs');
      expect(Object.fromEntries(runsAfter.map((r) => [r.id, r.stats]))).to.deep.equal({ [finishedId!]: finished, [underWayId!]: {}, [queuedId!]: {} });
    } finally {
      await db.query('ROLLBACK');
      db.release();
    }
  });
});
