import { expect } from 'chai';
import { ImportTicketsUseCase } from '../../../src/application/import-tickets/import-tickets.use-case.js';
import { FanOutRunUseCase } from '../../../src/application/jobs/fan-out-run.use-case.js';
import { EndRunWhenClientsFinish } from '../../../src/application/jobs/end-run-when-clients-finish.js';
import { RunClientJobUseCase } from '../../../src/application/jobs/run-client-job.use-case.js';
import { SyncContactsUseCase } from '../../../src/application/sync-contacts/sync-contacts.use-case.js';
import type { Client } from '../../../src/domain/clients/client.js';
import { UpstreamUnauthorizedError } from '../../../src/domain/errors.js';
import type { JobKind } from '../../../src/domain/jobs/job-run.js';
import { CURSOR_KEYS } from '../../../src/domain/sync-cursor.js';
import { InProcessClientLock } from '../../../src/infrastructure/jobs/in-process-client-lock.js';
import { aClient, at, manyContacts, manyMessages, manyTickets } from '../../fakes/builders.js';
import { FakeClock } from '../../fakes/fake-clock.js';
import { FakeUpstreamUsage } from '../../fakes/fake-upstream-usage.js';
import { InMemoryClientRepository } from '../../fakes/in-memory-client-repository.js';
import { InMemoryContactSource } from '../../fakes/in-memory-contact-source.js';
import { InMemoryContactStore } from '../../fakes/in-memory-contact-store.js';
import { InMemoryCursorStore } from '../../fakes/in-memory-cursor-store.js';
import { InMemoryJobRunStore } from '../../fakes/in-memory-job-run-store.js';
import { InMemoryTicketSource, type ListTicketsHook } from '../../fakes/in-memory-ticket-source.js';
import { InMemoryTicketStore } from '../../fakes/in-memory-ticket-store.js';
import { RecordingJobScheduler } from '../../fakes/recording-job-scheduler.js';
import { recordingLogger } from '../../support/recording-logger.js';

function makeSut({ pageSize = 10 } = {}) {
  const runs = new InMemoryJobRunStore();
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
  const syncContacts = new SyncContactsUseCase(contactSource, contactStore, cursors);
  const clock = new FakeClock();
  const endRun = new EndRunWhenClientsFinish(runs);
  const sut = new RunClientJobUseCase(runs, clients, new InProcessClientLock(), usage, clock, logger, importTickets, syncContacts, endRun);
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
  return { sut, runs, clients, usage, logger, ticketSource, ticketStore, contactSource, contactStore, cursors, scheduler, withClient, fannedOut, runClientJobs, onTicketListing };
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('RunClientJobUseCase', () => {
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
    const { runs, ticketSource, withClient, fannedOut, runClientJobs } = makeSut({ pageSize: 10 });
    withClient({ slug: 'acme' }, 25);
    const runId = await fannedOut('import', 'acme');

    await runClientJobs(runId);

    const progress = runs.statsSaves.filter((s) => s.id === runId && s.slug === 'acme').map((s) => s.stats);
    expect(progress.map((s) => [s.status, s.pages])).to.deep.equal([
      ['running', 0],
      ['running', 1],
      ['running', 2],
      ['running', 3],
      ['succeeded', 3],
    ]);
    expect(progress.map((s) => s.cursorAfter)).to.deep.equal([null, at(10), at(19), at(25), at(25)].map((d) => d && d.toISOString()));
    expect(progress.map((s) => s.upstreamRequests)).to.satisfy((counts: number[]) => counts.every((n, i) => i === 0 || n >= counts[i - 1]!));
    const final = runs.run(runId).stats.acme!;
    expect(final).to.include({ tickets: 25, messages: 25, skippedTickets: 0, cursorBefore: null, retries: 0, rateLimited: 0 });
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
    const { runs, clients, withClient, fannedOut, runClientJobs, scheduler } = makeSut({ pageSize: 10 });
    withClient({ slug: 'acme' }, 3);
    const pause = () => new Promise((r) => setTimeout(r, 5));
    const allRun = await fannedOut('import', 'all');
    const { run: acmeRun } = await runs.enqueue('import', 'acme', 'manual');
    await pause();
    await runClientJobs(allRun);
    await pause();

    const joined = await runs.enqueue('import', 'acme', 'manual');
    await new FanOutRunUseCase(runs, clients, scheduler, new EndRunWhenClientsFinish(runs)).execute(acmeRun.id);
    await runClientJobs(acmeRun.id);

    expect(joined).to.include({ coalesced: true });
    const entry = runs.run(acmeRun.id).stats.acme!;
    expect(entry.coveredBy).to.equal(undefined);
    expect(entry.upstreamRequests).to.be.greaterThan(0);
  });

  it('when "all" is triggered again and again while one client is busy, then that client runs one follow-up and the later runs are covered by it', async () => {
    const { runs, withClient, fannedOut, runClientJobs, onTicketListing } = makeSut({ pageSize: 10 });
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
    await new Promise((r) => setTimeout(r, 10));
    // The second run starts (its fast client runs), so the third cannot coalesce into it.
    const second = await fannedOut('import', 'all');
    const secondJobs = runClientJobs(second);
    await new Promise((r) => setTimeout(r, 10));
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
    expect(midway.stats.acme!.status).to.equal('succeeded');
    expect(midway.stats.beta!.status).to.equal('queued');

    await sut.execute({ runId: runId, kind: 'import', clientId: beta.id, slug: beta.slug });

    const run = runs.run(runId);
    expect(run).to.include({ status: 'succeeded', error: null });
    expect(run.finishedAt).to.be.instanceOf(Date);
  });

  it('when the run is cancelled while a client is running, then the client stops at the next page boundary with its cursor consistent with what is stored, and the run ends cancelled', async () => {
    const { sut, runs, ticketStore, cursors, withClient, fannedOut, runClientJobs, onTicketListing } = makeSut({ pageSize: 10 });
    const acme = withClient({ slug: 'acme' }, 25);
    const runId = await fannedOut('import', 'acme');
    onTicketListing(async ({ call }) => {
      if (call === 1) await runs.requestCancel(runId);
    });

    await runClientJobs(runId);

    const run = runs.run(runId);
    expect(run).to.include({ status: 'cancelled', error: null });
    expect(run.finishedAt).to.be.instanceOf(Date);
    expect(run.stats.acme).to.include({ status: 'cancelled', pages: 1, tickets: 10, cursorAfter: at(10).toISOString() });
    expect(run.stats.acme!.error).to.equal(undefined);
    const stored = ticketStore.tickets(acme.id);
    expect(stored).to.have.length(10);
    expect(cursors.value(acme.id, CURSOR_KEYS.ticketsLastImportAt)).to.equal(at(10).toISOString());
    expect(Math.max(...stored.map((t) => t.updatedAt.getTime()))).to.equal(at(10).getTime());

    // The next run resumes from that cursor and completes the import.
    onTicketListing(() => {});
    const nextRun = await fannedOut('import', 'acme');
    await sut.execute({ runId: nextRun, kind: 'import', clientId: acme.id, slug: acme.slug });
    expect(runs.run(nextRun).stats.acme).to.include({ status: 'succeeded', cursorBefore: at(10).toISOString(), cursorAfter: at(25).toISOString() });
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
    expect(contactStore.markUnseenDeletedCalls).to.deep.equal([]);
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

  it('when the shutdown signal aborts, then the client job throws after the current page, records the client back as queued, and does not end the run', async () => {
    const { sut, runs, cursors, ticketStore, withClient, fannedOut, onTicketListing } = makeSut({ pageSize: 10 });
    const acme = withClient({ slug: 'acme' }, 25);
    const runId = await fannedOut('import', 'acme');
    const shutdown = new AbortController();
    onTicketListing(({ call }) => {
      if (call === 1) shutdown.abort(new Error('shutting down'));
    });

    let thrown: unknown;
    await sut.execute({ runId: runId, kind: 'import', clientId: acme.id, slug: acme.slug }, shutdown.signal).catch((error: unknown) => (thrown = error));

    expect(thrown).to.be.instanceOf(Error).with.property('message', 'shutting down');
    const run = runs.run(runId);
    expect(run).to.include({ status: 'running', finishedAt: null, error: null });
    expect(run.stats.acme).to.include({ status: 'queued', pages: 1, cursorAfter: at(10).toISOString() });
    expect(cursors.value(acme.id, CURSOR_KEYS.ticketsLastImportAt)).to.equal(at(10).toISOString());
    expect(ticketStore.tickets(acme.id)).to.have.length(10);

    // The retry resumes from the checkpoint and ends the run.
    onTicketListing(() => {});
    await sut.execute({ runId: runId, kind: 'import', clientId: acme.id, slug: acme.slug });

    expect(runs.run(runId).status).to.equal('succeeded');
    expect(runs.run(runId).stats.acme).to.include({ status: 'succeeded', cursorBefore: at(10).toISOString(), cursorAfter: at(25).toISOString() });
    expect(ticketStore.tickets(acme.id)).to.have.length(25);
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

  it('when the run is unknown, then the client job does nothing', async () => {
    const { sut, runs, ticketSource, withClient } = makeSut();
    const acme = withClient({ slug: 'acme' });

    await sut.execute({ runId: 'no-such-run', kind: 'import', clientId: acme.id, slug: acme.slug });

    expect(runs.statsSaves).to.deep.equal([]);
    expect(ticketSource.requests).to.deep.equal([]);
  });
});
