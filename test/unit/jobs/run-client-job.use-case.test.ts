import FakeTimers from '@sinonjs/fake-timers';
import { expect } from 'chai';
import { BackfillClientUseCase } from '../../../src/application/backfill/backfill-client.use-case.js';
import { BackfillWindow } from '../../../src/application/backfill/backfill-window.js';
import { ImportTicketsUseCase } from '../../../src/application/import-tickets/import-tickets.use-case.js';
import { CheckClientData } from '../../../src/application/reconcile/check-client-data.js';
import { ReconcileClientUseCase } from '../../../src/application/reconcile/reconcile-client.use-case.js';
import { FanOutRunUseCase } from '../../../src/application/jobs/fan-out-run.use-case.js';
import { EndRunWhenClientsFinish } from '../../../src/application/jobs/end-run-when-clients-finish.js';
import { RunClientJobUseCase } from '../../../src/application/jobs/run-client-job.use-case.js';
import { DEFAULT_CONTACTS_SETTINGS } from '../../../src/application/settings.js';
import { SettleContactDeletions } from '../../../src/application/sync-contacts/settle-contact-deletions.js';
import { SyncContactsUseCase } from '../../../src/application/sync-contacts/sync-contacts.use-case.js';
import type { Client } from '../../../src/domain/clients/client.js';
import { UpstreamUnauthorizedError } from '../../../src/domain/errors.js';
import type { JobKind } from '../../../src/domain/jobs/job-run.js';
import { backfillCursorKey, CURSOR_KEYS } from '../../../src/domain/sync-cursor.js';
import { InProcessClientLock } from '../../../src/infrastructure/jobs/in-process-client-lock.js';
import { aClient, at, manyContacts, manyMessages, manyTickets } from '../../fakes/builders.js';
import { FakeClock } from '../../fakes/fake-clock.js';
import { FakeUpstreamUsage } from '../../fakes/fake-upstream-usage.js';
import { InMemoryClientRepository } from '../../fakes/in-memory-client-repository.js';
import { InMemoryContactSource } from '../../fakes/in-memory-contact-source.js';
import { InMemoryContactStore } from '../../fakes/in-memory-contact-store.js';
import { InMemoryCursorStore } from '../../fakes/in-memory-cursor-store.js';
import { InMemoryJobRunStore } from '../../fakes/in-memory-job-run-store.js';
import { InMemoryStoredDataCensus } from '../../fakes/in-memory-stored-data-census.js';
import { InMemoryTicketSource, type ListTicketsHook } from '../../fakes/in-memory-ticket-source.js';
import { InMemoryTicketStore } from '../../fakes/in-memory-ticket-store.js';
import { RecordingChangeFeed } from '../../fakes/recording-change-feed.js';
import { RecordingJobScheduler } from '../../fakes/recording-job-scheduler.js';
import { recordingLogger } from '../../support/recording-logger.js';
import { deferred, settle, settledNow } from '../../support/settle.js';

function makeSut({ pageSize = 10, runsClock }: { pageSize?: number; runsClock?: FakeClock } = {}) {
  const runs = new InMemoryJobRunStore(runsClock ? () => runsClock.now() : undefined);
  const clients = new InMemoryClientRepository();
  const usage = new FakeUpstreamUsage();
  const logger = recordingLogger();
  const ticketSource = new InMemoryTicketSource();
  const ticketStore = new InMemoryTicketStore();
  const contactSource = new InMemoryContactSource();
  const contactStore = new InMemoryContactStore();
  const cursors = new InMemoryCursorStore();
  const scheduler = new RecordingJobScheduler();
  // Every upstream call counts against the client's token, as the real connection would count it.
  const countTicketListing: ListTicketsHook = ({ client }) => usage.add(client.id, { requests: 1 });
  ticketSource.onListTickets = countTicketListing;
  ticketSource.onListMessages = ({ client }) => usage.add(client.id, { requests: 1 });
  contactSource.onListContacts = ({ client }) => usage.add(client.id, { requests: 1 });
  const importTickets = new ImportTicketsUseCase(ticketSource, ticketStore, cursors, { importStartAt: null, pageSize });
  const syncContacts = new SyncContactsUseCase(contactSource, contactStore, cursors, new SettleContactDeletions(contactSource, contactStore, DEFAULT_CONTACTS_SETTINGS, logger));
  const clock = runsClock ?? new FakeClock();
  const endRun = new EndRunWhenClientsFinish(runs);
  const changes = new RecordingChangeFeed();
  const backfillWindow = new BackfillWindow(importTickets, cursors);
  const census = new InMemoryStoredDataCensus(ticketStore, contactStore);
  const check = new CheckClientData(ticketSource, contactSource, cursors, census, { importStartAt: null, pageSize }, { sampleSize: 20 });
  const reconcile = new ReconcileClientUseCase(importTickets, syncContacts, check, backfillWindow, ticketStore, cursors);
  const backfill = new BackfillClientUseCase(backfillWindow, cursors);
  const sut = new RunClientJobUseCase(runs, clients, new InProcessClientLock(), usage, clock, logger, changes, importTickets, syncContacts, endRun, reconcile, backfill);
  const fanOut = new FanOutRunUseCase(runs, clients, scheduler, endRun);

  /** Registers a client with `tickets` tickets upstream (one message each). */
  const withClient = (fields: Partial<Client> & { slug: string }, tickets = 3): Client => {
    const client = aClient(fields);
    clients.seed(client);
    const list = manyTickets(tickets, (i) => at(i), client.slug);
    ticketSource.seedTickets(client.id, list);
    for (const t of list) ticketSource.seedMessages(client.id, manyMessages(t.uuid, 1));
    return client;
  };
  /** A run queued and fanned out: its client entries recorded `queued`, its client jobs scheduled. */
  const fannedOut = async (kind: JobKind, slug: string): Promise<string> => {
    const { run } = await runs.enqueue(kind, slug, 'manual');
    await fanOut.execute(run.id);
    return run.id;
  };
  /** Runs every client job scheduled for the run, side by side, as workers would. */
  const runClientJobs = (runId: string) => Promise.all(scheduler.scheduledClientJobs.filter((j) => j.runId === runId).map((j) => sut.execute(j)));
  /** Adds `hook` after the request counting of ticket listings. */
  const onTicketListing = (hook: ListTicketsHook) => {
    ticketSource.onListTickets = async (request) => {
      await countTicketListing(request);
      await hook(request);
    };
  };
  return { sut, runs, clients, usage, logger, changes, ticketSource, ticketStore, contactSource, contactStore, cursors, scheduler, fanOut, withClient, fannedOut, runClientJobs, onTicketListing };
}


describe('RunClientJobUseCase', () => {
  it('when the budget wait changes while the share’s last save is under way, then nothing is saved after it: the share stays succeeded', async () => {
    const clock = FakeTimers.install({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const { runs, usage, withClient, fannedOut, runClientJobs } = makeSut();
      const acme = withClient({ slug: 'acme' }, 1);
      const runId = await fannedOut('import', 'acme');
      const lastSave = deferred();
      const lastSaveBegun = deferred();
      runs.beforeStatsSave = async (stats) => {
        if (stats.status !== 'succeeded') return;
        lastSaveBegun.resolve();
        await lastSave.promise;
      };
      const running = runClientJobs(runId);
      await lastSaveBegun.promise;

      usage.setWaiting(acme.id, new Date('2026-11-28T10:00:00.000Z'));
      await clock.tickAsync(3000);
      lastSave.resolve();
      await running;
      await clock.tickAsync(3000);

      expect(runs.statsSaves.at(-1)!.stats.status).to.equal('succeeded');
      expect(runs.clientStats(runId).acme).to.include({ status: 'succeeded' });
    } finally {
      clock.uninstall();
    }
  });

  it('when a client’s requests wait for its rate budget, then its stats say since when, and stop saying it once the wait ends', async () => {
    const clock = FakeTimers.install({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const { runs, usage, ticketSource, withClient, fannedOut, runClientJobs } = makeSut();
      const acme = withClient({ slug: 'acme' }, 1);
      const runId = await fannedOut('import', 'acme');
      ticketSource.hold = (request) => request.kind === 'messages';
      const running = runClientJobs(runId);
      await ticketSource.whenHeld(1);
      const since = new Date('2026-11-28T10:00:00.000Z');

      usage.setWaiting(acme.id, since);
      await clock.tickAsync(1000);
      const waiting = runs.clientStats(runId).acme!;
      usage.setWaiting(acme.id, null);
      await clock.tickAsync(1000);
      const resumed = runs.clientStats(runId).acme!;
      const savesBefore = runs.statsSaves.length;
      await clock.tickAsync(5000);
      const savesWhileNothingChanged = runs.statsSaves.length - savesBefore;
      ticketSource.held.forEach((call) => call.release());
      await running;

      expect(waiting).to.include({ status: 'running', waitingForBudgetSince: since.toISOString() });
      expect(resumed.status).to.equal('running');
      expect(resumed).to.not.have.property('waitingForBudgetSince');
      expect(savesWhileNothingChanged).to.equal(0);
      expect(runs.run(runId).stats.acme).to.include({ status: 'succeeded' }).and.not.have.property('waitingForBudgetSince');
    } finally {
      clock.uninstall();
    }
  });

  it('when every client job of an all-clients run has run, then each active client is imported and the run succeeds', async () => {
    const { runs, ticketSource, ticketStore, withClient, fannedOut, runClientJobs } = makeSut();
    const acme = withClient({ slug: 'acme' });
    const beta = withClient({ slug: 'beta' });
    const idle = withClient({ slug: 'idle', active: false });
    const runId = await fannedOut('import', 'all');

    await runClientJobs(runId);

    const run = runs.run(runId);
    expect(run).to.include({ status: 'succeeded', error: null });
    expect(run.startedAt).to.be.instanceOf(Date);
    expect(run.finishedAt).to.be.instanceOf(Date);
    expect(Object.keys(run.stats).sort()).to.deep.equal(['acme', 'beta']);
    expect(run.stats.acme).to.include({ status: 'succeeded', tickets: 3 });
    expect(run.stats.beta).to.include({ status: 'succeeded', tickets: 3 });
    expect(ticketStore.tickets(acme.id)).to.have.length(3);
    expect(ticketStore.tickets(beta.id)).to.have.length(3);
    expect(ticketSource.requests.filter((r) => r.clientId === idle.id)).to.deep.equal([]);
  });

  describe('the change feed', () => {
    it('when an import stores tickets over several checkpoints, then its announcements add up to what it stored and the last carries the new cursor', async () => {
      const { runs, changes, cursors, withClient, fannedOut, runClientJobs } = makeSut({ pageSize: 10 });
      const acme = withClient({ slug: 'acme' }, 25);
      const runId = await fannedOut('import', 'acme');

      await runClientJobs(runId);

      const mine = changes.announced.filter((c) => c.clientId === acme.id);
      expect(mine.length).to.be.greaterThan(0);
      expect(mine.every((c) => c.slug === 'acme' && c.kind === 'import' && c.runId === runId)).to.equal(true);
      expect(mine.reduce((sum, c) => sum + c.tickets, 0)).to.equal(25);
      expect(mine.reduce((sum, c) => sum + c.messages, 0)).to.equal(25);
      expect(mine.at(-1)!.cursor).to.equal(await cursors.get(acme.id, CURSOR_KEYS.ticketsLastImportAt));
      expect(runs.run(runId).stats.acme).to.include({ tickets: 25 });
    });

    it('when a run finds nothing new, then it announces nothing', async () => {
      const { changes, withClient, fannedOut, runClientJobs } = makeSut();
      withClient({ slug: 'acme' }, 3);
      await runClientJobs(await fannedOut('import', 'acme'));
      changes.announced.length = 0;

      await runClientJobs(await fannedOut('import', 'acme'));

      expect(changes.announced).to.deep.equal([]);
    });

    it('when a contacts sync stores contacts, then they are announced under its kind', async () => {
      const { changes, contactSource, withClient, fannedOut, runClientJobs } = makeSut();
      const acme = withClient({ slug: 'acme' }, 0);
      contactSource.seedContacts(acme.id, manyContacts(7));

      await runClientJobs(await fannedOut('contacts-sync', 'acme'));

      expect(changes.announced.map((c) => c.kind)).to.satisfy((kinds: string[]) => kinds.every((k) => k === 'contacts-sync'));
      expect(changes.announced.reduce((sum, c) => sum + c.contacts, 0)).to.equal(7);
    });

    it('when announcing fails (the database connection dropped), then the run still succeeds and the log says so', async () => {
      const { runs, changes, logger, withClient, fannedOut, runClientJobs } = makeSut();
      withClient({ slug: 'acme' }, 3);
      changes.failWith = new Error('connection terminated');
      const runId = await fannedOut('import', 'acme');

      await runClientJobs(runId);

      expect(runs.run(runId)).to.include({ status: 'succeeded' });
      expect(logger.lines.some((l) => l.level === 'warn' && l.message === 'stored changes could not be announced')).to.equal(true);
    });
  });

  it('when the run targets one slug, then its client job imports that client only', async () => {
    const { runs, ticketSource, withClient, fannedOut, runClientJobs } = makeSut();
    const acme = withClient({ slug: 'acme' });
    withClient({ slug: 'beta' });
    const runId = await fannedOut('import', 'acme');

    await runClientJobs(runId);

    const run = runs.run(runId);
    expect(run.status).to.equal('succeeded');
    expect(Object.keys(run.stats)).to.deep.equal(['acme']);
    expect(new Set(ticketSource.requests.map((r) => r.clientId))).to.deep.equal(new Set([acme.id]));
  });

  it('when a client imports several pages, then its stats are recorded at every checkpoint', async () => {
    const { runs, ticketSource, ticketStore, cursors, withClient, fannedOut, runClientJobs } = makeSut({ pageSize: 10 });
    const acme = withClient({ slug: 'acme' }, 25);
    const runId = await fannedOut('import', 'acme');

    await runClientJobs(runId);

    const progress = runs.statsSaves.filter((s) => s.id === runId && s.slug === 'acme').map((s) => s.stats);
    // Every ticket is new: each checkpoint follows one write of the tickets that completed together.
    const stored = ticketStore.saves.map((_, i, saves) => saves.slice(0, i + 1).reduce((sum, s) => sum + s.entries.length, 0));
    expect(stored.length).to.be.greaterThan(2);
    expect(progress.map((s) => s.status)).to.deep.equal(['running', ...stored.map(() => 'running'), 'succeeded']);
    expect(progress.map((s) => s.tickets ?? 0)).to.deep.equal([0, ...stored, 25]);
    expect(progress.map((s) => s.cursorAfter)).to.deep.equal([null, ...cursors.history(acme.id, CURSOR_KEYS.ticketsLastImportAt), at(25).toISOString()]);
    expect(progress.map((s) => s.upstreamRequests)).to.satisfy((counts: number[]) => counts.every((n, i) => i === 0 || n >= counts[i - 1]!));
    expect(progress.map((s) => s.pages)).to.satisfy((pages: number[]) => pages.every((n, i) => i === 0 || n >= pages[i - 1]!));
    const final = runs.run(runId).stats.acme!;
    expect(final).to.include({ pages: 3, tickets: 25, messages: 25, skippedTickets: 0, listedTickets: 25, expectedTickets: 25, cursorBefore: null, cursorAfter: at(25).toISOString(), retries: 0, rateLimited: 0 });
    expect(final.upstreamRequests).to.equal(ticketSource.requests.length);
  });

  it('when the upstream retries or rate-limits, then the client stats count them', async () => {
    const { runs, usage, ticketSource, withClient, fannedOut, runClientJobs } = makeSut();
    withClient({ slug: 'acme' });
    ticketSource.onListTickets = ({ client }) => usage.add(client.id, { requests: 3, retries: 2, rateLimited: 1 });
    const runId = await fannedOut('import', 'acme');

    await runClientJobs(runId);

    expect(runs.run(runId).stats.acme).to.include({ status: 'succeeded', retries: 2, rateLimited: 1 });
  });

  it('when two runs import the same client at once, then each run counts only the upstream requests it made itself, and the later-requested one is covered by the earlier one that started after it', async () => {
    // What one run alone costs: the first run to take the client's lock must be charged exactly this.
    const solo = makeSut({ pageSize: 10 });
    solo.withClient({ slug: 'acme' }, 25);
    const soloRun = await solo.fannedOut('import', 'acme');
    await solo.runClientJobs(soloRun);
    const soloCost = solo.runs.run(soloRun).stats.acme!.upstreamRequests;
    const { runs, ticketSource, withClient, fannedOut, runClientJobs } = makeSut({ pageSize: 10 });
    withClient({ slug: 'acme' }, 25);
    const allRun = await fannedOut('import', 'all');
    const acmeRun = await fannedOut('import', 'acme');

    await Promise.all([runClientJobs(allRun), runClientJobs(acmeRun)]);

    const first = runs.run(allRun).stats.acme!.upstreamRequests;
    const second = runs.run(acmeRun).stats.acme!;
    expect(first).to.equal(soloCost);
    // The all-clients run took the lock after the acme run was requested: it did that work too.
    expect(second).to.include({ status: 'succeeded', upstreamRequests: 0, coveredBy: allRun });
    expect(first).to.equal(ticketSource.requests.length);
  });

  it('when a trigger joins a queued run after another run started the client, then the queued run still does the work', async () => {
    const runsClock = new FakeClock();
    const { runs, clients, withClient, fannedOut, runClientJobs, scheduler } = makeSut({ pageSize: 10, runsClock });
    withClient({ slug: 'acme' }, 3);
    const pause = () => runsClock.advance(1000);
    const allRun = await fannedOut('import', 'all');
    const { run: acmeRun } = await runs.enqueue('import', 'acme', 'manual');
    pause();
    await runClientJobs(allRun);
    pause();

    const joined = await runs.enqueue('import', 'acme', 'manual');
    await new FanOutRunUseCase(runs, clients, scheduler, new EndRunWhenClientsFinish(runs)).execute(acmeRun.id);
    await runClientJobs(acmeRun.id);

    expect(joined).to.include({ coalesced: true });
    const entry = runs.run(acmeRun.id).stats.acme!;
    expect(entry.coveredBy).to.equal(undefined);
    expect(entry.upstreamRequests).to.be.greaterThan(0);
  });

  it('when "all" is triggered again and again while one client is busy, then that client runs one follow-up and the later runs are covered by it', async () => {
    const runsClock = new FakeClock();
    const { runs, withClient, fannedOut, runClientJobs, onTicketListing } = makeSut({ pageSize: 10, runsClock });
    const slow = withClient({ slug: 'slow' }, 5);
    withClient({ slug: 'fast' }, 1);
    let release!: () => void;
    const busy = new Promise<void>((resolve) => (release = resolve));
    let slowListings = 0;
    onTicketListing(async ({ client }) => {
      if (client.id === slow.id && ++slowListings === 1) await busy;
    });
    const first = await fannedOut('import', 'all');
    const firstJobs = runClientJobs(first);
    await settle();
    runsClock.advance(1000);
    // The second run starts (its fast client runs), so the third cannot coalesce into it.
    const second = await fannedOut('import', 'all');
    const secondJobs = runClientJobs(second);
    await settle();
    runsClock.advance(1000);
    const third = await fannedOut('import', 'all');
    const thirdJobs = runClientJobs(third);

    release();
    await Promise.all([firstJobs, secondJobs, thirdJobs]);

    const entries = [first, second, third].map((id) => runs.run(id).stats.slow!);
    expect(entries.map((e) => e.status)).to.deep.equal(['succeeded', 'succeeded', 'succeeded']);
    expect(entries[1]!.coveredBy).to.equal(undefined);
    expect(entries[2]!.coveredBy).to.equal(second);
    expect([first, second, third].map((id) => runs.run(id).status)).to.deep.equal(['succeeded', 'succeeded', 'succeeded']);
  });

  it('when an import and a backfill of one client are triggered together, then they never run at once: the second waits for the first', async () => {
    const { runs, ticketSource, fanOut, withClient, fannedOut, runClientJobs } = makeSut();
    const acme = withClient({ slug: 'acme' }, 3);
    const importRun = await fannedOut('import', 'acme');
    const { run: backfillRun } = await runs.enqueue('backfill', 'acme', 'manual', { from: at(0).toISOString() });
    ticketSource.hold = (request) => request.kind === 'tickets' && request.clientId === acme.id;
    const importing = runClientJobs(importRun);
    await ticketSource.whenHeld(1);
    await fanOut.execute(backfillRun.id);
    const backfilling = runClientJobs(backfillRun.id);
    await settle();

    // Only the import's first listing went out; the backfill waits for the client's lock.
    expect(ticketSource.ticketRequests()).to.have.length(1);
    ticketSource.hold = undefined;
    ticketSource.held[0]!.release();
    await Promise.all([importing, backfilling]);
    expect(runs.run(importRun).status).to.equal('succeeded');
    expect(runs.run(backfillRun.id).status).to.equal('succeeded');
  });

  it('when a backfill of a client runs and an import is triggered, then the import waits for the backfill to finish', async () => {
    const { runs, ticketSource, fanOut, withClient, runClientJobs } = makeSut();
    const acme = withClient({ slug: 'acme' }, 3);
    const { run: backfillRun } = await runs.enqueue('backfill', 'acme', 'manual', { from: at(0).toISOString(), to: at(3).toISOString() });
    await fanOut.execute(backfillRun.id);
    ticketSource.hold = (request) => request.kind === 'tickets' && request.clientId === acme.id;
    const backfilling = runClientJobs(backfillRun.id);
    await ticketSource.whenHeld(1);
    const { run: importRun } = await runs.enqueue('import', 'acme', 'manual');
    await fanOut.execute(importRun.id);
    const importing = runClientJobs(importRun.id);
    await settle();

    // Only the backfill's first listing went out; the import waits for the client's lock.
    expect(ticketSource.ticketRequests()).to.have.length(1);
    expect(runs.clientStats(importRun.id).acme!.status).to.equal('queued');
    ticketSource.hold = undefined;
    ticketSource.held[0]!.release();
    await Promise.all([backfilling, importing]);
    expect(runs.run(backfillRun.id).status).to.equal('succeeded');
    expect(runs.run(importRun.id).status).to.equal('succeeded');
  });

  it('when a reconcile of a client runs and a contacts sync is triggered, then the sync waits for the reconcile to finish', async () => {
    const { runs, ticketSource, contactSource, fanOut, withClient, runClientJobs } = makeSut();
    const acme = withClient({ slug: 'acme' }, 3);
    contactSource.seedContacts(acme.id, manyContacts(5));
    const { run: reconcileRun } = await runs.enqueue('reconcile', 'acme', 'manual');
    await fanOut.execute(reconcileRun.id);
    ticketSource.hold = (request) => request.kind === 'tickets' && request.clientId === acme.id;
    const reconciling = runClientJobs(reconcileRun.id);
    await ticketSource.whenHeld(1);
    const { run: syncRun } = await runs.enqueue('contacts-sync', 'acme', 'manual');
    await fanOut.execute(syncRun.id);
    const syncing = runClientJobs(syncRun.id);
    await settle();

    expect(contactSource.requests).to.have.length(0);
    expect(runs.clientStats(syncRun.id).acme!.status).to.equal('queued');
    ticketSource.hold = undefined;
    ticketSource.held[0]!.release();
    await Promise.all([reconciling, syncing]);
    expect(runs.run(reconcileRun.id).status).to.equal('succeeded');
    expect(runs.run(syncRun.id).status).to.equal('succeeded');
  });

  it('when a backfill is interrupted by a shutdown, then the retried job reads its window back from the run and resumes at its checkpoint', async () => {
    const { sut, runs, ticketSource, ticketStore, cursors, fanOut, withClient, scheduler } = makeSut({ pageSize: 2 });
    const acme = withClient({ slug: 'acme' }, 8);
    const { run } = await runs.enqueue('backfill', 'acme', 'manual', { from: at(3).toISOString(), to: at(6).toISOString() });
    await fanOut.execute(run.id);
    const job = scheduler.scheduledClientJobs.find((j) => j.runId === run.id)!;
    const shutdown = new AbortController();
    ticketStore.onSave = ({ call }) => {
      // The first write is checkpointed; the shutdown comes as the second one is being written.
      if (call === 2) shutdown.abort(new Error('shutting down'));
    };

    await sut.execute(job, shutdown.signal).catch(() => {});
    const checkpoint = cursors.value(acme.id, backfillCursorKey(run.id));
    ticketStore.onSave = undefined;
    const listingsBefore = ticketSource.ticketRequests().length;
    await sut.execute(job);

    expect(checkpoint).to.not.equal(null);
    expect(ticketSource.ticketRequests()[listingsBefore]!.query.updatedAtFrom.toISOString()).to.equal(checkpoint);
    expect(runs.run(run.id).status).to.equal('succeeded');
    expect(ticketStore.savedUuids(acme.id).filter((uuid) => [1, 2, 7, 8].some((n) => uuid.endsWith(`000${n}`)))).to.deep.equal([]);
    expect(cursors.value(acme.id, backfillCursorKey(run.id))).to.equal(null);
  });

  it('when a reconcile repairs a client, then the change feed announces the rows its repair restored', async () => {
    const { runs, ticketStore, changes, withClient, runClientJobs, fanOut } = makeSut();
    const acme = withClient({ slug: 'acme' }, 3);
    const importRun = await runs.enqueue('import', 'acme', 'manual');
    await fanOut.execute(importRun.run.id);
    await runClientJobs(importRun.run.id);
    ticketStore.lose(acme.id, [ticketStore.tickets(acme.id)[1]!.uuid]);
    const { run } = await runs.enqueue('reconcile', 'acme', 'manual', { repair: true });
    await fanOut.execute(run.id);
    const announcedBefore = changes.announced.length;

    await runClientJobs(run.id);

    const announced = changes.announced.slice(announcedBefore).filter((c) => c.runId === run.id);
    expect(announced.reduce((sum, c) => sum + c.tickets, 0)).to.equal(1);
    expect(announced.reduce((sum, c) => sum + c.messages, 0)).to.equal(1);
    expect(runs.run(run.id).stats.acme!.repair!.complete).to.equal(true);
  });

    it('when the run is a contacts sync, then the client syncs its contacts', async () => {
    const { runs, contactSource, contactStore, withClient, fannedOut, runClientJobs } = makeSut();
    const acme = withClient({ slug: 'acme' });
    contactSource.seedContacts(acme.id, manyContacts(60));
    const runId = await fannedOut('contacts-sync', 'acme');

    await runClientJobs(runId);

    const run = runs.run(runId);
    expect(run.status).to.equal('succeeded');
    expect(run.stats.acme).to.include({ status: 'succeeded', pages: 2, contacts: 60, cursorAfter: '0', upstreamRequests: 2 });
    expect(contactStore.contacts(acme.id)).to.have.length(60);
  });

  it('when one client fails, then that client is failed with an error naming it, the others still succeed, and the run fails listing the failed clients', async () => {
    const { runs, logger, ticketSource, ticketStore, usage, withClient, fannedOut, runClientJobs } = makeSut();
    const acme = withClient({ slug: 'acme' });
    const beta = withClient({ slug: 'beta' });
    const gamma = withClient({ slug: 'gamma' });
    ticketSource.onListTickets = ({ client }) => {
      usage.add(client.id, { requests: 1 });
      if (client.id === beta.id) throw new UpstreamUnauthorizedError(client.slug);
    };
    const runId = await fannedOut('import', 'all');

    await runClientJobs(runId);

    const run = runs.run(runId);
    expect(run.status).to.equal('failed');
    expect(run.stats.beta).to.include({ status: 'failed', upstreamRequests: 1 });
    expect(run.stats.beta!.error).to.include('"beta"');
    expect(run.error).to.equal(`beta: ${run.stats.beta!.error}`);
    expect(run.stats.acme!.status).to.equal('succeeded');
    expect(run.stats.gamma!.status).to.equal('succeeded');
    expect(ticketStore.tickets(acme.id)).to.have.length(3);
    expect(ticketStore.tickets(gamma.id)).to.have.length(3);
    expect(logger.lines.filter((l) => l.level === 'error').map((l) => (l.fields as { client?: string }).client)).to.deep.equal(['beta']);
  });

  it('when several clients fail, then the run error lists each of them', async () => {
    const { runs, ticketSource, withClient, fannedOut, runClientJobs } = makeSut();
    withClient({ slug: 'acme' });
    withClient({ slug: 'beta' });
    withClient({ slug: 'gamma' });
    ticketSource.onListTickets = ({ client }) => {
      if (client.slug !== 'beta') throw new UpstreamUnauthorizedError(client.slug);
    };
    const runId = await fannedOut('import', 'all');

    await runClientJobs(runId);

    const run = runs.run(runId);
    expect(run.status).to.equal('failed');
    expect(run.error).to.equal(`acme: ${run.stats.acme!.error}\ngamma: ${run.stats.gamma!.error}`);
    expect(run.stats.beta!.status).to.equal('succeeded');
  });

  it('when a client fails with an unexpected error, then its error names only the error type, not its message', async () => {
    const { runs, ticketStore, withClient, fannedOut, runClientJobs } = makeSut();
    withClient({ slug: 'acme' });
    ticketStore.onSave = () => {
      throw new TypeError('password=hunter2 in some driver message');
    };
    const runId = await fannedOut('import', 'acme');

    await runClientJobs(runId);

    const run = runs.run(runId);
    expect(run.status).to.equal('failed');
    expect(run.stats.acme!.error).to.equal('unexpected TypeError');
    expect(run.error).to.equal('acme: unexpected TypeError');
  });

  it('when a client finishes while another is still queued, then the run goes on; the last client to finish ends it', async () => {
    const { sut, runs, withClient, fannedOut } = makeSut();
    const acme = withClient({ slug: 'acme' });
    const beta = withClient({ slug: 'beta' });
    const runId = await fannedOut('import', 'all');

    await sut.execute({ runId: runId, kind: 'import', clientId: acme.id, slug: acme.slug });

    const midway = runs.run(runId);
    expect(midway).to.include({ status: 'running', finishedAt: null });
    expect(midway.stats).to.deep.equal({});
    expect(runs.clientStats(runId).acme!.status).to.equal('succeeded');
    expect(runs.clientStats(runId).beta!.status).to.equal('queued');

    await sut.execute({ runId: runId, kind: 'import', clientId: beta.id, slug: beta.slug });

    const run = runs.run(runId);
    expect(run).to.include({ status: 'succeeded', error: null });
    expect(run.finishedAt).to.be.instanceOf(Date);
    expect(run.stats).to.deep.equal(runs.clientStats(runId));
  });

  it('when the run is cancelled while a client is running, then the client stops at its next checkpoint with its cursor consistent with what is stored, and the run ends cancelled', async () => {
    const { sut, runs, ticketSource, ticketStore, cursors, withClient, fannedOut, runClientJobs } = makeSut({ pageSize: 10 });
    const acme = withClient({ slug: 'acme' }, 25);
    const runId = await fannedOut('import', 'acme');
    // The first page's messages answer; the second page's are held.
    ticketSource.hold = (r) => r.kind === 'messages' && r.ticketUuid > 'acme-0010';
    const jobs = runClientJobs(runId);
    await ticketSource.whenHeld(10);
    await settle();
    expect(ticketStore.tickets(acme.id)).to.have.length(10);

    await runs.requestCancel(runId);
    // The next ticket to complete is stored; its checkpoint sees the cancel and stops the rest at once.
    ticketSource.heldMessages('acme-0011').release();
    await jobs;

    const run = runs.run(runId);
    expect(run).to.include({ status: 'cancelled', error: null });
    expect(run.finishedAt).to.be.instanceOf(Date);
    expect(run.stats.acme).to.include({ status: 'cancelled', tickets: 11, messages: 11, cursorAfter: at(11).toISOString() });
    expect(run.stats.acme!.error).to.equal(undefined);
    expect(ticketSource.held).to.deep.equal([]);
    // In flight and abandoned: the rest of the second page, and the third page's tickets that took the first page's room.
    expect(ticketSource.messageRequests().filter((r) => r.outcome === 'aborted').map((r) => r.ticketUuid)).to.deep.equal(manyTickets(25, (i) => at(i), 'acme').slice(11).map((t) => t.uuid));
    const stored = ticketStore.tickets(acme.id);
    expect(stored.map((t) => t.uuid).sort()).to.deep.equal(manyTickets(11, (i) => at(i), 'acme').map((t) => t.uuid));
    expect(cursors.value(acme.id, CURSOR_KEYS.ticketsLastImportAt)).to.equal(at(11).toISOString());

    // The next run resumes from that cursor and completes the import.
    ticketSource.hold = undefined;
    const nextRun = await fannedOut('import', 'acme');
    await sut.execute({ runId: nextRun, kind: 'import', clientId: acme.id, slug: acme.slug });
    expect(runs.run(nextRun).stats.acme).to.include({ status: 'succeeded', cursorBefore: at(11).toISOString(), cursorAfter: at(25).toISOString(), tickets: 14 });
    expect(ticketStore.tickets(acme.id)).to.have.length(25);
  });

  it('when a contacts sync is cancelled while running, then it stops after the page in hand, its page cursor pointing at the last stored page, and nothing is marked deleted', async () => {
    const { runs, usage, contactSource, contactStore, cursors, withClient, fannedOut, runClientJobs } = makeSut();
    const acme = withClient({ slug: 'acme' });
    contactSource.seedContacts(acme.id, manyContacts(120));
    const runId = await fannedOut('contacts-sync', 'acme');
    contactSource.onListContacts = async ({ client, call }) => {
      usage.add(client.id, { requests: 1 });
      if (call === 1) await runs.requestCancel(runId);
    };

    await runClientJobs(runId);

    const run = runs.run(runId);
    expect(run.status).to.equal('cancelled');
    expect(run.stats.acme).to.include({ status: 'cancelled', pages: 1, contacts: 50, cursorAfter: '1', deletedContacts: 0 });
    expect(cursors.value(acme.id, CURSOR_KEYS.contactsPage)).to.equal('1');
    expect(contactStore.contacts(acme.id)).to.have.length(50);
    expect(contactStore.applyDeletionsCalls).to.deep.equal([]);
  });

  it('when the run is cancelled while its clients run, then a client that had finished keeps its result and the run still ends cancelled', async () => {
    const { sut, runs, withClient, fannedOut, onTicketListing } = makeSut({ pageSize: 10 });
    const acme = withClient({ slug: 'acme' }, 25);
    const beta = withClient({ slug: 'beta' }, 3);
    const runId = await fannedOut('import', 'all');
    await sut.execute({ runId: runId, kind: 'import', clientId: beta.id, slug: beta.slug });
    onTicketListing(async ({ client }) => {
      if (client.id === acme.id) await runs.requestCancel(runId);
    });

    await sut.execute({ runId: runId, kind: 'import', clientId: acme.id, slug: acme.slug });

    const run = runs.run(runId);
    expect(run.status).to.equal('cancelled');
    expect(run.stats.beta!.status).to.equal('succeeded');
    expect(run.stats.acme!.status).to.equal('cancelled');
  });

  it('when the run was cancelled while queued, then its client job does nothing', async () => {
    const { runs, ticketSource, withClient, fannedOut, runClientJobs } = makeSut();
    withClient({ slug: 'acme' });
    const runId = await fannedOut('import', 'acme');
    await runs.requestCancel(runId);
    const cancelled = runs.run(runId);

    await runClientJobs(runId);

    expect(runs.run(runId)).to.deep.equal(cancelled);
    expect(cancelled.status).to.equal('cancelled');
    expect(runs.statsSaves).to.deep.equal([]);
    expect(ticketSource.requests).to.deep.equal([]);
  });

  // BUG (src/application/jobs/run-client-job.use-case.ts:53): a queued run cancelled between the
  // re-read inside the lock and markRunning is already `cancelled` (finished), yet the client
  // job goes on and imports a page for it; CancelJobUseCase promises "a queued one never starts".
  it('when the run is cancelled while queued just as its client job takes the lock, then the client job does not import anything', async () => {
    const { runs, ticketSource, ticketStore, withClient, fannedOut, runClientJobs } = makeSut();
    const acme = withClient({ slug: 'acme' });
    const runId = await fannedOut('import', 'acme');
    runs.onMarkRunning = async (id) => {
      await runs.requestCancel(id);
    };

    await runClientJobs(runId);

    expect(runs.run(runId).status).to.equal('cancelled');
    expect(ticketSource.requests).to.deep.equal([]);
    expect(ticketStore.tickets(acme.id)).to.deep.equal([]);
  });

  it('when the run was asked to stop while the client job waited for the client lock, then the client is recorded cancelled without calling the upstream', async () => {
    const { sut, runs, ticketSource, withClient, fannedOut, onTicketListing } = makeSut();
    const acme = withClient({ slug: 'acme' });
    const beta = withClient({ slug: 'beta' });
    // An earlier run holds acme's lock, stuck in its first upstream call until released.
    const earlierRun = await fannedOut('import', 'acme');
    const entered = deferred();
    const release = deferred();
    onTicketListing(async ({ client }) => {
      if (client.id !== acme.id) return;
      entered.resolve();
      await release.promise;
    });
    const earlierJob = sut.execute({ runId: earlierRun, kind: 'import', clientId: acme.id, slug: acme.slug });
    await entered.promise;
    const runId = await fannedOut('import', 'all');
    const waitingJob = sut.execute({ runId: runId, kind: 'import', clientId: acme.id, slug: acme.slug });
    await sut.execute({ runId: runId, kind: 'import', clientId: beta.id, slug: beta.slug });
    const acmeRequestsBefore = ticketSource.requests.filter((r) => r.clientId === acme.id).length;

    await runs.requestCancel(runId);
    release.resolve();
    await Promise.all([earlierJob, waitingJob]);

    const run = runs.run(runId);
    expect(run.stats.acme).to.include({ status: 'cancelled', pages: 0, upstreamRequests: 0 });
    expect(run.stats.beta!.status).to.equal('succeeded');
    expect(run.status).to.equal('cancelled');
    expect(runs.run(earlierRun).status).to.equal('succeeded');
    // Every acme request after the cancel belongs to the earlier run.
    expect(ticketSource.requests.filter((r) => r.clientId === acme.id).length).to.equal(runs.run(earlierRun).stats.acme!.upstreamRequests);
    expect(acmeRequestsBefore).to.equal(1);
  });

  it('when the shutdown signal aborts, then the client job throws at once, having stored what was complete, records the client back as queued, and does not end the run', async () => {
    const { sut, runs, cursors, ticketSource, ticketStore, withClient, fannedOut } = makeSut({ pageSize: 10 });
    const acme = withClient({ slug: 'acme' }, 25);
    const runId = await fannedOut('import', 'acme');
    ticketSource.hold = (r) => r.kind === 'messages' && r.ticketUuid > 'acme-0010';
    const shutdown = new AbortController();
    const job = sut.execute({ runId: runId, kind: 'import', clientId: acme.id, slug: acme.slug }, shutdown.signal).then(
      () => null,
      (error: unknown) => error,
    );
    await ticketSource.whenHeld(10);
    ticketSource.heldMessages('acme-0011').release();
    ticketSource.heldMessages('acme-0012').release();
    await settle();

    shutdown.abort(new Error('shutting down'));

    expect(await settledNow(job)).to.equal(true);
    expect(await job).to.be.instanceOf(Error).with.property('message', 'shutting down');
    const run = runs.run(runId);
    expect(run).to.include({ status: 'running', finishedAt: null, error: null });
    expect(runs.clientStats(runId).acme).to.include({ status: 'queued', tickets: 12, cursorAfter: at(12).toISOString() });
    expect(cursors.value(acme.id, CURSOR_KEYS.ticketsLastImportAt)).to.equal(at(12).toISOString());
    expect(ticketStore.tickets(acme.id)).to.have.length(12);
    expect(ticketSource.held).to.deep.equal([]);

    // The retry resumes from the checkpoint and ends the run.
    ticketSource.hold = undefined;
    await sut.execute({ runId: runId, kind: 'import', clientId: acme.id, slug: acme.slug });

    expect(runs.run(runId).status).to.equal('succeeded');
    expect(runs.run(runId).stats.acme).to.include({ status: 'succeeded', cursorAfter: at(25).toISOString() });
    expect(ticketStore.tickets(acme.id)).to.have.length(25);
  });

  it('when a client job interrupted by a shutdown is run again, then its stats add up across both attempts, with the first attempt\'s start and cursor', async () => {
    const runsClock = new FakeClock(at(1000));
    const { sut, runs, usage, cursors, ticketSource, ticketStore, withClient, fannedOut } = makeSut({ pageSize: 10, runsClock });
    const acme = withClient({ slug: 'acme' }, 25);
    cursors.seed(acme.id, CURSOR_KEYS.ticketsLastImportAt, at(0).toISOString());
    const runId = await fannedOut('import', 'acme');
    ticketSource.hold = (r) => r.kind === 'messages' && r.ticketUuid > 'acme-0010';
    ticketSource.onListMessages = ({ client }) => usage.add(client.id, { requests: 1, retries: 1 });
    const shutdown = new AbortController();
    const job = sut.execute({ runId, kind: 'import', clientId: acme.id, slug: acme.slug }, shutdown.signal).catch(() => {});
    await ticketSource.whenHeld(10);
    ticketSource.heldMessages('acme-0011').release();
    ticketSource.heldMessages('acme-0012').release();
    await settle();
    shutdown.abort(new Error('shutting down'));
    await job;
    const interrupted = runs.clientStats(runId).acme!;
    const requestsOfFirstAttempt = ticketSource.requests.length;

    runsClock.advance(60_000);
    ticketSource.hold = undefined;
    await sut.execute({ runId, kind: 'import', clientId: acme.id, slug: acme.slug });

    const first = interrupted;
    const final = runs.run(runId).stats.acme!;
    expect(first).to.include({ status: 'queued', startedAt: at(1000).toISOString(), cursorBefore: at(0).toISOString(), tickets: 12, messages: 12 });
    expect(first.upstreamRequests).to.equal(requestsOfFirstAttempt);
    // The second attempt imported the other 13 tickets (listing again the one at the cursor, unchanged).
    expect(final).to.include({ status: 'succeeded', startedAt: at(1000).toISOString(), cursorBefore: at(0).toISOString(), cursorAfter: at(25).toISOString(), tickets: 25, messages: 25, skippedTickets: 0 });
    expect(final.upstreamRequests).to.equal(ticketSource.requests.length);
    expect(final.upstreamRequests).to.be.greaterThan(first.upstreamRequests);
    expect(final.retries).to.equal(ticketSource.messageRequests().length);
    expect(final.pages).to.be.greaterThan(first.pages);
    // Walked: 12 then 14 (from the cursor's instant, inclusive); expected: what the first saw walked plus what the second expected.
    expect([final.listedTickets, final.expectedTickets]).to.deep.equal([26, 26]);
    expect(final.finishedAt).to.equal(at(1060).toISOString());
    expect(ticketStore.tickets(acme.id)).to.have.length(25);
    expect(new Set(ticketStore.savedUuids(acme.id)).size).to.equal(ticketStore.savedUuids(acme.id).length);
    expect(runs.run(runId).status).to.equal('succeeded');
  });

  it('when a client job is interrupted before its first checkpoint, twice, then the resumed stats still start from the cursor the import began at', async () => {
    const { sut, runs, cursors, ticketSource, ticketStore, withClient, fannedOut } = makeSut({ pageSize: 10 });
    const acme = withClient({ slug: 'acme' }, 25);
    cursors.seed(acme.id, CURSOR_KEYS.ticketsLastImportAt, at(0).toISOString());
    const runId = await fannedOut('import', 'acme');
    ticketSource.hold = (r) => r.kind === 'messages';
    const interruptedAttempt = async () => {
      const shutdown = new AbortController();
      const job = sut.execute({ runId, kind: 'import', clientId: acme.id, slug: acme.slug }, shutdown.signal).catch(() => {});
      await ticketSource.whenHeld(10);
      shutdown.abort(new Error('shutting down'));
      await job;
    };
    await interruptedAttempt();
    await interruptedAttempt();
    expect(ticketStore.saves).to.deep.equal([]);
    const requestsOfInterruptedAttempts = ticketSource.requests.length;

    ticketSource.hold = undefined;
    await sut.execute({ runId, kind: 'import', clientId: acme.id, slug: acme.slug });

    const final = runs.run(runId).stats.acme!;
    expect(final).to.include({ status: 'succeeded', cursorBefore: at(0).toISOString(), cursorAfter: at(25).toISOString(), tickets: 25 });
    expect(final.upstreamRequests).to.equal(ticketSource.requests.length).and.to.be.greaterThan(requestsOfInterruptedAttempts);
  });

  it('when the run has already finished, then its client job does nothing', async () => {
    const { sut, runs, ticketSource, withClient, fannedOut } = makeSut();
    const acme = withClient({ slug: 'acme' });
    const runId = await fannedOut('import', 'acme');
    await runs.finish(runId, 'failed', 'stopped by hand');
    const finished = runs.run(runId);

    await sut.execute({ runId: runId, kind: 'import', clientId: acme.id, slug: acme.slug });

    expect(runs.run(runId)).to.deep.equal(finished);
    expect(runs.statsSaves).to.deep.equal([]);
    expect(ticketSource.requests).to.deep.equal([]);
  });

  it('when the client was deleted or deactivated before its turn, then its entry is cancelled without an upstream call and the run can end', async () => {
    const { sut, runs, clients, ticketSource, withClient, fannedOut } = makeSut();
    const acme = withClient({ slug: 'acme' });
    const runId = await fannedOut('import', 'acme');
    clients.seed({ ...acme, active: false });

    await sut.execute({ runId, kind: 'import', clientId: acme.id, slug: 'acme' });
    await sut.execute({ runId, kind: 'import', clientId: 'no-such-client', slug: 'gone' });

    expect(runs.run(runId).stats.acme).to.include({ status: 'cancelled', error: 'the client was deleted or deactivated before its turn' });
    // Nobody cancelled the run: a skipped client fails nothing.
    expect(runs.run(runId).status).to.equal('succeeded');
    expect(ticketSource.requests).to.deep.equal([]);
  });

  it('when a client’s job is delivered again after its share finished and the client was deactivated meanwhile, then the finished share is left as it ended', async () => {
    const { sut, runs, clients, withClient, fannedOut } = makeSut();
    const acme = withClient({ slug: 'acme' });
    withClient({ slug: 'globex' });
    const runId = await fannedOut('import', 'all');
    await sut.execute({ runId, kind: 'import', clientId: acme.id, slug: 'acme' });
    const finished = runs.statsSaves.filter((save) => save.slug === 'acme').at(-1)!.stats;
    expect(finished.status).to.equal('succeeded');
    clients.seed({ ...acme, active: false });
    const savesBefore = runs.statsSaves.length;

    await sut.execute({ runId, kind: 'import', clientId: acme.id, slug: 'acme' });

    expect(runs.statsSaves.slice(savesBefore).filter((save) => save.slug === 'acme')).to.deep.equal([]);
    expect(await runs.findClient(runId, 'acme')).to.deep.include({ status: 'succeeded' });
  });

  it('when the run is unknown, then the client job does nothing', async () => {
    const { sut, runs, ticketSource, withClient } = makeSut();
    const acme = withClient({ slug: 'acme' });

    await sut.execute({ runId: 'no-such-run', kind: 'import', clientId: acme.id, slug: acme.slug });

    expect(runs.statsSaves).to.deep.equal([]);
    expect(ticketSource.requests).to.deep.equal([]);
  });
});
