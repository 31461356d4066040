import { expect } from 'chai';
import { generateDataset } from '../../tools/upstream-simulator/dataset.js';
import { UpstreamSimulator } from '../../tools/upstream-simulator/simulator.js';
import { insertClient, sql, truncateAll } from '../support/database.js';
import { startApp, type RunningApp } from '../support/running-app.js';

const TOKEN = 'contacts-deletions-token-1';

interface RunView {
  status: string;
  stats: Record<string, { status: string; contacts?: number; deletedContacts?: number; deletionsHeld?: number; warnings?: string[]; upstreamRequests: number }>;
  summary: { totals: Record<string, number> } | null;
}

describe('Contacts deletions end to end (the service on PostgreSQL, the upstream simulator)', function () {
  this.timeout(60_000);
  let simulator: UpstreamSimulator;
  let app: RunningApp | undefined;

  beforeEach(async () => {
    await truncateAll();
    simulator = new UpstreamSimulator();
    simulator.addAccount(TOKEN, 'acme', generateDataset(11, { tickets: 0, messagesPerTicket: 0, contacts: 130 }));
    await insertClient({ slug: 'acme', apiBaseUrl: await simulator.listen(), apiToken: TOKEN });
  });
  afterEach(async () => {
    await app?.jobsIdle();
    await app?.close();
    app = undefined;
    await simulator.close();
  });

  const sync = async (): Promise<RunView> => {
    const location = (await app!.request('POST', '/api/admin/sync/contacts?clientSlug=acme')).headers.get('location')!;
    await app!.jobsIdle();
    return (await app!.request('GET', location)).json() as Promise<RunView>;
  };
  const deletedIds = async () => (await sql().query<{ external_id: string }>('SELECT external_id FROM contacts WHERE deleted_at IS NOT NULL ORDER BY 1')).rows.map((r) => r.external_id);
  const liveCount = async () => (await sql().query<{ n: number }>('SELECT count(*)::int AS n FROM contacts WHERE deleted_at IS NULL')).rows[0]!.n;

  it('when the upstream answers an empty first page, then the pass marks no contact deleted, even with the guard off, and says why in the run', async () => {
    app = await startApp({ contactsDeleteGuard: 1 });
    await sync();
    simulator.answerEmptyContactPages(TOKEN, 1);

    const glitched = await sync();

    expect(glitched.status).to.equal('succeeded');
    expect(glitched.stats.acme).to.include({ status: 'succeeded', deletedContacts: 0, deletionsHeld: 0 });
    expect(glitched.stats.acme!.warnings!.join('\n')).to.include('empty first page').and.include('130');
    expect(await deletedIds()).to.deep.equal([]);
    expect(await liveCount()).to.equal(130);
    expect(app.logger.lines.some((l) => l.level === 'warn' && l.message.includes('empty first page'))).to.equal(true);
  });

  it('when a contact of an already-read page is deleted upstream while the pass pages, then no other contact is marked deleted, and the next pass marks the deleted one', async () => {
    app = await startApp();
    await sync();
    let deleted = false;
    simulator.onRequest = (_token, path, query) => {
      if (path !== '/contact' || query.get('page') !== '2' || deleted) return;
      // Page 1 was read: c-000009 goes, and c-000050 shifts onto page 1, out of this pass's sight.
      simulator.deleteContact(TOKEN, 'c-000009');
      deleted = true;
    };

    const during = await sync();
    const deletedAfterDuring = await deletedIds();
    simulator.onRequest = undefined;
    const afterwards = await sync();

    expect(during.stats.acme).to.include({ status: 'succeeded', deletedContacts: 0 });
    // Three pages, then pages 1 and 2 again to look for the unseen c-000050 (its place is between
    // them): found on page 1, so they are not read a second time.
    expect(during.stats.acme!.upstreamRequests).to.equal(5);
    expect(deletedAfterDuring).to.deep.equal([]);
    expect(afterwards.stats.acme).to.include({ status: 'succeeded', deletedContacts: 1 });
    expect(await deletedIds()).to.deep.equal(['c-000009']);
    expect(await liveCount()).to.equal(129);
  });

  it('when a contact whose place lies exactly between two pages is deleted upstream, then the first pass only suspects it, on the contact row, and the second marks it deleted', async () => {
    app = await startApp();
    await sync();
    // Page 1 still ends at c-000049 and page 2 now starts at c-000051: no single page shows c-000050's place.
    simulator.deleteContact(TOKEN, 'c-000050');

    const suspecting = await sync();
    const suspected = (await sql().query('SELECT deleted_at, deletion_suspected_in_pass FROM contacts WHERE external_id = $1', ['c-000050'])).rows[0];
    const confirming = await sync();

    expect(suspecting.stats.acme).to.include({ status: 'succeeded', deletedContacts: 0 });
    expect(suspected).to.deep.equal({ deleted_at: null, deletion_suspected_in_pass: 2 });
    expect(confirming.stats.acme).to.include({ status: 'succeeded', deletedContacts: 1 });
    expect(await deletedIds()).to.deep.equal(['c-000050']);
  });

  it('when more than CONTACTS_DELETE_GUARD of the contacts vanish upstream, then the pass holds their deletion with a warning, and the next pass deletes them', async () => {
    app = await startApp();
    await sync();
    for (let i = 20; i < 60; i++) simulator.deleteContact(TOKEN, `c-${String(i).padStart(6, '0')}`);

    const held = await sync();
    const heldRows = (await sql().query<{ n: number }>('SELECT count(*)::int AS n FROM contacts WHERE deletion_held_in_pass IS NOT NULL')).rows[0]!.n;
    const deletedWhileHeld = await deletedIds();
    const applied = await sync();

    expect(held.stats.acme).to.include({ status: 'succeeded', deletedContacts: 0, deletionsHeld: 40 });
    expect(held.stats.acme!.warnings!.join('\n')).to.include('deletion guard').and.include('40 of 130');
    expect(held.summary!.totals.deletionsHeld).to.equal(40);
    expect(heldRows).to.equal(40);
    expect(deletedWhileHeld).to.deep.equal([]);
    expect(applied.stats.acme).to.include({ status: 'succeeded', deletedContacts: 40, deletionsHeld: 0 });
    expect(applied.stats.acme!.warnings).to.equal(undefined);
    expect(await deletedIds()).to.have.length(40);
    expect(await liveCount()).to.equal(90);
  });
});
