import { expect } from 'chai';
import { DEFAULT_CONTACTS_SETTINGS } from '../../../src/application/settings.js';
import { SettleContactDeletions } from '../../../src/application/sync-contacts/settle-contact-deletions.js';
import { SyncContactsUseCase, type SyncContactsReport } from '../../../src/application/sync-contacts/sync-contacts.use-case.js';
import { UpstreamUnavailableError } from '../../../src/domain/errors.js';
import { CURSOR_KEYS } from '../../../src/domain/sync-cursor.js';
import { aClient, aContact, aTag, manyContacts } from '../../fakes/builders.js';
import { InMemoryContactSource } from '../../fakes/in-memory-contact-source.js';
import { InMemoryContactStore } from '../../fakes/in-memory-contact-store.js';
import { InMemoryCursorStore } from '../../fakes/in-memory-cursor-store.js';
import { recordingLogger } from '../../support/recording-logger.js';

const PAGE = CURSOR_KEYS.contactsPage;
const PASS = CURSOR_KEYS.contactsPass;

function makeSut({ deleteGuard = DEFAULT_CONTACTS_SETTINGS.deleteGuard }: { deleteGuard?: number } = {}) {
  const client = aClient({ slug: 'acme' });
  const source = new InMemoryContactSource();
  const store = new InMemoryContactStore();
  const cursors = new InMemoryCursorStore();
  const logger = recordingLogger();
  const sut = new SyncContactsUseCase(source, store, cursors, new SettleContactDeletions(source, store, { deleteGuard }, logger));
  return { sut, client, source, store, cursors, logger };
}

function failOnCall(source: InMemoryContactSource, call: number): void {
  source.onListContacts = (request) => {
    if (request.call === call) throw new UpstreamUnavailableError('upstream kept failing');
  };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (error: unknown) => error,
  );
}

describe('SyncContactsUseCase', () => {
  it('when the upstream holds 120 contacts, then it reads pages of 50 and saves the page cursor after each, resetting it to 0 on the short last page', async () => {
    const { sut, client, source, store, cursors } = makeSut();
    source.seedContacts(client.id, manyContacts(120));

    const report = await sut.execute(client);

    expect(source.requests.map((r) => r.query)).to.deep.equal([
      { page: 1, limit: 50 },
      { page: 2, limit: 50 },
      { page: 3, limit: 50 },
    ]);
    expect(cursors.history(client.id, PAGE)).to.deep.equal(['1', '2', '0']);
    expect(store.contacts(client.id)).to.have.length(120);
    expect(report).to.include({ pages: 3, contacts: 120, cursorBefore: null, cursorAfter: '0' });
  });

  it('when the upstream holds exactly 100 contacts, then the empty third page completes the pass', async () => {
    const { sut, client, source, store, cursors } = makeSut();
    source.seedContacts(client.id, manyContacts(100));

    const report = await sut.execute(client);

    expect(source.requests.map((r) => r.query.page)).to.deep.equal([1, 2, 3]);
    expect(cursors.value(client.id, PAGE)).to.equal('0');
    expect(store.deletedIds(client.id)).to.deep.equal([]);
    expect(report).to.include({ pages: 3, contacts: 100, deletedContacts: 0, deletionsHeld: 0 });
  });

  it('when a run fails mid-pass, then the page cursor stays at the last stored page and nothing is marked deleted', async () => {
    const { sut, client, source, store, cursors } = makeSut();
    source.seedContacts(client.id, manyContacts(120));
    store.seed(client.id, aContact({ id: 'c-gone' }), { seenInPass: 0 });
    failOnCall(source, 2);

    const error = await failure(sut.execute(client));

    expect(error).to.be.instanceOf(UpstreamUnavailableError);
    expect(cursors.value(client.id, PAGE)).to.equal('1');
    expect(store.applyDeletionsCalls).to.deep.equal([]);
    expect(store.deletedIds(client.id)).to.deep.equal([]);
  });

  it('when the next run follows a failure mid-pass, then it resumes at the page after the cursor, in the same pass', async () => {
    const { sut, client, source, store, cursors } = makeSut();
    source.seedContacts(client.id, manyContacts(120));
    failOnCall(source, 2);
    await failure(sut.execute(client));
    source.onListContacts = undefined;
    const requestsBefore = source.requests.length;

    const report = await sut.execute(client);

    expect(source.requests.slice(requestsBefore).map((r) => r.query.page)).to.deep.equal([2, 3]);
    expect(store.savedPages.map((p) => p.pass)).to.deep.equal([1, 1, 1]);
    expect(cursors.value(client.id, PASS)).to.equal('1');
    expect(report).to.include({ cursorBefore: '1', cursorAfter: '0', pages: 2 });
  });

  it('when a page cursor is stored, then the sync starts at the next page without starting a new pass', async () => {
    const { sut, client, source, store, cursors } = makeSut();
    source.seedContacts(client.id, manyContacts(130));
    cursors.seed(client.id, PAGE, '2').seed(client.id, PASS, '7');

    await sut.execute(client);

    expect(source.requests.map((r) => r.query.page)).to.deep.equal([3]);
    expect(store.savedPages.map((p) => p.pass)).to.deep.equal([7]);
    expect(cursors.history(client.id, PASS)).to.deep.equal([]);
  });

  it('when the previous pass is complete, then the next run starts a new pass from page 1', async () => {
    const { sut, client, source, store, cursors } = makeSut();
    source.seedContacts(client.id, manyContacts(10));
    cursors.seed(client.id, PAGE, '0').seed(client.id, PASS, '4');

    await sut.execute(client);

    expect(source.requests.map((r) => r.query.page)).to.deep.equal([1]);
    expect(store.savedPages.map((p) => p.pass)).to.deep.equal([5]);
    expect(cursors.value(client.id, PASS)).to.equal('5');
  });

  it('when a complete pass spans two runs, then only the contacts unseen in the whole pass are marked deleted', async () => {
    const { sut, client, source, store } = makeSut();
    source.seedContacts(client.id, manyContacts(120));
    await sut.execute(client);
    source.deleteContact(client.id, 'c-0115');
    failOnCall(source, 5);
    await failure(sut.execute(client));
    source.onListContacts = undefined;

    const report = await sut.execute(client);

    expect(report.cursorBefore).to.equal('1');
    expect(store.deletedIds(client.id)).to.deep.equal(['c-0115']);
    expect(report.deletedContacts).to.equal(1);
    expect(store.contact(client.id, 'c-0001')!.deleted).to.equal(false);
  });

  it('when a contact marked deleted reappears upstream, then it is no longer deleted', async () => {
    const { sut, client, source, store, cursors } = makeSut();
    store.seed(client.id, aContact({ id: 'c-back' }), { seenInPass: 1, deleted: true });
    cursors.seed(client.id, PAGE, '0').seed(client.id, PASS, '2');
    source.seedContacts(client.id, [aContact({ id: 'c-back', name: 'Back again' })]);

    const report = await sut.execute(client);

    const stored = store.contact(client.id, 'c-back')!;
    expect(stored.deleted).to.equal(false);
    expect(stored.contact.name).to.equal('Back again');
    expect(report.deletedContacts).to.equal(0);
  });

  it('when a contact is gone upstream, then the pass that completes without it marks it deleted once', async () => {
    const { sut, client, source, store } = makeSut();
    source.seedContacts(client.id, [aContact({ id: 'c-1' }), aContact({ id: 'c-2' })]);
    await sut.execute(client);
    source.deleteContact(client.id, 'c-2');

    const first = await sut.execute(client);
    const second = await sut.execute(client);

    expect(store.deletedIds(client.id)).to.deep.equal(['c-2']);
    expect(first.deletedContacts).to.equal(1);
    expect(second.deletedContacts).to.equal(0);
  });

  it('when a tag is removed from a contact upstream, then the stored tag set is replaced by the new one', async () => {
    const { sut, client, source, store } = makeSut();
    source.seedContacts(client.id, [aContact({ id: 'c-1', tags: [aTag('t-vip', 'VIP'), aTag('t-late', 'Atraso')] })]);
    await sut.execute(client);
    source.seedContacts(client.id, [aContact({ id: 'c-1', tags: [aTag('t-late', 'Atraso')] })]);

    await sut.execute(client);

    expect(store.contact(client.id, 'c-1')!.tagIds).to.deep.equal(['t-late']);
  });

  it('when every tag is removed from a contact upstream, then its stored tag set becomes empty', async () => {
    const { sut, client, source, store } = makeSut();
    source.seedContacts(client.id, [aContact({ id: 'c-1', tags: [aTag('t-vip')] })]);
    await sut.execute(client);
    source.seedContacts(client.id, [aContact({ id: 'c-1', tags: [] })]);

    await sut.execute(client);

    expect(store.contact(client.id, 'c-1')!.tagIds).to.deep.equal([]);
  });

  it('when a pass starts, then the contacts expected are the upstream count; when a run resumes mid-pass, then the pages already stored are taken off', async () => {
    const { sut, client, source, cursors } = makeSut();
    source.seedContacts(client.id, manyContacts(120));
    const fresh = await sut.execute(client);
    await cursors.set(client.id, PAGE, '2');

    const resumed = await sut.execute(client);

    expect(fresh).to.include({ expectedContacts: 120, contacts: 120 });
    expect(resumed).to.include({ expectedContacts: 20, contacts: 20 });
  });

  it('when the pass spans several pages, then onProgress is called once per page', async () => {
    const { sut, client, source } = makeSut();
    source.seedContacts(client.id, manyContacts(60));
    const progress: SyncContactsReport[] = [];

    await sut.execute(client, async (r) => {
      progress.push({ ...r });
    });

    expect(progress.map((p) => [p.pages, p.contacts, p.cursorAfter])).to.deep.equal([
      [1, 50, '1'],
      [2, 60, '0'],
    ]);
  });
});
