import { expect } from 'chai';
import { ImportTicketsUseCase } from '../../../src/application/import-tickets/import-tickets.use-case.js';
import { RunJobUseCase } from '../../../src/application/jobs/run-job.use-case.js';
import { SyncContactsUseCase } from '../../../src/application/sync-contacts/sync-contacts.use-case.js';
import type { Client } from '../../../src/domain/clients/client.js';
import { UpstreamUnauthorizedError } from '../../../src/domain/errors.js';
import type { JobKind } from '../../../src/domain/jobs/job-run.js';
import { InProcessClientLock } from '../../../src/infrastructure/jobs/in-process-client-lock.js';
import { aClient, at, manyContacts, manyMessages, manyTickets } from '../../fakes/builders.js';
import { FakeUpstreamUsage } from '../../fakes/fake-upstream-usage.js';
import { InMemoryClientRepository } from '../../fakes/in-memory-client-repository.js';
import { InMemoryContactSource } from '../../fakes/in-memory-contact-source.js';
import { InMemoryContactStore } from '../../fakes/in-memory-contact-store.js';
import { InMemoryCursorStore } from '../../fakes/in-memory-cursor-store.js';
import { InMemoryJobRunStore } from '../../fakes/in-memory-job-run-store.js';
import { InMemoryTicketSource } from '../../fakes/in-memory-ticket-source.js';
import { InMemoryTicketStore } from '../../fakes/in-memory-ticket-store.js';
import { RecordingLogger } from '../../support/silent-logger.js';

function makeSut({ clientConcurrency = 2, pageSize = 10 } = {}) {
  const runs = new InMemoryJobRunStore();
  const clients = new InMemoryClientRepository();
  const usage = new FakeUpstreamUsage();
  const logger = new RecordingLogger();
  const ticketSource = new InMemoryTicketSource();
  const ticketStore = new InMemoryTicketStore();
  const contactSource = new InMemoryContactSource();
  const contactStore = new InMemoryContactStore();
  const cursors = new InMemoryCursorStore();
  // Every upstream call counts against the client's token, as the real connection would count it.
  ticketSource.onListTickets = ({ client }) => usage.add(client.id, { requests: 1 });
  ticketSource.onListMessages = ({ client }) => usage.add(client.id, { requests: 1 });
  contactSource.onListContacts = ({ client }) => usage.add(client.id, { requests: 1 });
  const importTickets = new ImportTicketsUseCase(ticketSource, ticketStore, cursors, { importStartAt: null, pageSize });
  const syncContacts = new SyncContactsUseCase(contactSource, contactStore, cursors);
  const sut = new RunJobUseCase(runs, clients, new InProcessClientLock(), usage, logger, { clientConcurrency }, importTickets, syncContacts);
  /** Registers a client with `tickets` tickets upstream (one message each). */
  const withClient = (fields: Partial<Client> & { slug: string }, tickets = 3): Client => {
    const client = aClient(fields);
    clients.seed(client);
    const list = manyTickets(tickets, (i) => at(i), client.slug);
    ticketSource.seedTickets(client.id, list);
    for (const t of list) ticketSource.seedMessages(client.id, manyMessages(t.uuid, 1));
    return client;
  };
  const queue = async (kind: JobKind, slug: string) => (await runs.enqueue(kind, slug)).run.id;
  return { sut, runs, clients, usage, logger, ticketSource, ticketStore, contactSource, contactStore, cursors, withClient, queue };
}

describe('RunJobUseCase', () => {
  it('when the run targets all clients, then every active client is imported and inactive ones are left alone', async () => {
    const { sut, runs, ticketSource, ticketStore, withClient, queue } = makeSut();
    const acme = withClient({ slug: 'acme' });
    const beta = withClient({ slug: 'beta' });
    const idle = withClient({ slug: 'idle', active: false });
    const runId = await queue('import', 'all');

    await sut.execute(runId);

    const run = runs.run(runId);
    expect(run.status).to.equal('succeeded');
    expect(run.error).to.equal(null);
    expect(Object.keys(run.stats).sort()).to.deep.equal(['acme', 'beta']);
    expect(run.stats.acme).to.include({ status: 'succeeded', tickets: 3 });
    expect(run.stats.beta).to.include({ status: 'succeeded', tickets: 3 });
    expect(ticketStore.tickets(acme.id)).to.have.length(3);
    expect(ticketStore.tickets(beta.id)).to.have.length(3);
    expect(ticketSource.requests.filter((r) => r.clientId === idle.id)).to.deep.equal([]);
  });

  it('when the run targets one active slug, then only that client is processed', async () => {
    const { sut, runs, ticketSource, withClient, queue } = makeSut();
    const acme = withClient({ slug: 'acme' });
    withClient({ slug: 'beta' });
    const runId = await queue('import', 'acme');

    await sut.execute(runId);

    const run = runs.run(runId);
    expect(run.status).to.equal('succeeded');
    expect(Object.keys(run.stats)).to.deep.equal(['acme']);
    expect(new Set(ticketSource.requests.map((r) => r.clientId))).to.deep.equal(new Set([acme.id]));
  });

  it('when the slug is unknown, then the run succeeds having processed nothing', async () => {
    const { sut, runs, ticketSource, withClient, queue } = makeSut();
    withClient({ slug: 'acme' });
    const runId = await queue('import', 'nobody');

    await sut.execute(runId);

    const run = runs.run(runId);
    expect(run).to.include({ status: 'succeeded', error: null });
    expect(run.stats).to.deep.equal({});
    expect(ticketSource.requests).to.deep.equal([]);
  });

  it('when the slug names an inactive client, then the run succeeds having processed nothing', async () => {
    const { sut, runs, ticketSource, withClient, queue } = makeSut();
    withClient({ slug: 'paused', active: false });
    const runId = await queue('import', 'paused');

    await sut.execute(runId);

    expect(runs.run(runId)).to.deep.include({ status: 'succeeded', error: null, stats: {} });
    expect(ticketSource.requests).to.deep.equal([]);
  });

  it('when one client fails, then that client is failed with an error naming it, the run is failed, and the others still succeed', async () => {
    const { sut, runs, logger, ticketSource, ticketStore, withClient, queue, usage } = makeSut();
    const acme = withClient({ slug: 'acme' });
    const beta = withClient({ slug: 'beta' });
    const gamma = withClient({ slug: 'gamma' });
    ticketSource.onListTickets = ({ client }) => {
      usage.add(client.id, { requests: 1 });
      if (client.id === beta.id) throw new UpstreamUnauthorizedError(client.slug);
    };
    const runId = await queue('import', 'all');

    await sut.execute(runId);

    const run = runs.run(runId);
    expect(run.status).to.equal('failed');
    expect(run.stats.beta!.status).to.equal('failed');
    expect(run.stats.beta!.error).to.include('"beta"');
    expect(run.error).to.include('beta').and.not.include('acme');
    expect(run.stats.acme!.status).to.equal('succeeded');
    expect(run.stats.gamma!.status).to.equal('succeeded');
    expect(ticketStore.tickets(acme.id)).to.have.length(3);
    expect(ticketStore.tickets(gamma.id)).to.have.length(3);
    expect(logger.lines.filter((l) => l.level === 'error').map((l) => (l.fields as { client?: string }).client)).to.deep.equal(['beta']);
  });

  it('when a client fails with an unexpected error, then its error names only the error type, not its message', async () => {
    const { sut, runs, ticketStore, withClient, queue } = makeSut();
    withClient({ slug: 'acme' });
    ticketStore.onSave = () => {
      throw new TypeError('password=hunter2 in some driver message');
    };
    const runId = await queue('import', 'acme');

    await sut.execute(runId);

    const run = runs.run(runId);
    expect(run.status).to.equal('failed');
    expect(run.stats.acme!.error).to.equal('unexpected TypeError');
    expect(run.error).to.equal('acme: unexpected TypeError');
  });

  it('when a client imports several pages, then its stats are saved as the run progresses', async () => {
    const { sut, runs, ticketSource, withClient, queue } = makeSut({ pageSize: 10 });
    withClient({ slug: 'acme' }, 25);
    const runId = await queue('import', 'acme');

    await sut.execute(runId);

    const progress = runs.statsSaves.filter((s) => s.id === runId).map((s) => s.stats.acme!);
    expect(progress.map((s) => [s.status, s.pages])).to.deep.equal([
      ['running', 0],
      ['running', 1],
      ['running', 2],
      ['running', 3],
      ['succeeded', 3],
    ]);
    expect(progress.map((s) => s.cursorAfter)).to.deep.equal([null, at(10), at(19), at(25), at(25)].map((d) => d && d.toISOString()));
    const final = runs.run(runId).stats.acme!;
    expect(final).to.include({ tickets: 25, messages: 25, skippedTickets: 0, cursorBefore: null, retries: 0, rateLimited: 0 });
    expect(final.upstreamRequests).to.equal(ticketSource.requests.length);
  });

  it('when two runs import the same client at once, then each run counts only the upstream requests it made itself', async () => {
    const { sut, runs, ticketSource, withClient, queue } = makeSut({ pageSize: 10 });
    withClient({ slug: 'acme' }, 25);
    const allRun = await queue('import', 'all');
    const acmeRun = await queue('import', 'acme');

    await Promise.all([sut.execute(allRun), sut.execute(acmeRun)]);

    const counted = [runs.run(allRun), runs.run(acmeRun)].map((r) => r.stats.acme!.upstreamRequests);
    expect(counted.reduce((a, b) => a + b, 0)).to.equal(ticketSource.requests.length);
  });

  it('when the run is a contacts sync, then the targeted clients sync their contacts', async () => {
    const { sut, runs, contactSource, contactStore, withClient, queue } = makeSut();
    const acme = withClient({ slug: 'acme' });
    contactSource.seedContacts(acme.id, manyContacts(60));
    const runId = await queue('contacts-sync', 'acme');

    await sut.execute(runId);

    const run = runs.run(runId);
    expect(run.status).to.equal('succeeded');
    expect(run.stats.acme).to.include({ status: 'succeeded', pages: 2, contacts: 60, cursorAfter: '0' });
    expect(contactStore.contacts(acme.id)).to.have.length(60);
  });

  it('when the run is no longer queued, then it does nothing', async () => {
    const { sut, runs, ticketSource, withClient, queue } = makeSut();
    withClient({ slug: 'acme' });
    const runId = await queue('import', 'acme');
    await runs.finish(runId, 'cancelled', {}, null);

    await sut.execute(runId);

    expect(runs.run(runId).status).to.equal('cancelled');
    expect(runs.statsSaves).to.deep.equal([]);
    expect(ticketSource.requests).to.deep.equal([]);
  });
});
