import { expect } from 'chai';
import { DEFAULT_CONTACTS_SETTINGS } from '../../../src/application/settings.js';
import { SettleContactDeletions } from '../../../src/application/sync-contacts/settle-contact-deletions.js';
import { SyncContactsUseCase } from '../../../src/application/sync-contacts/sync-contacts.use-case.js';
import type { SyncContactsReport } from '../../../src/application/sync-contacts/sync-contacts.use-case.js';
import { UpstreamUnavailableError } from '../../../src/domain/errors.js';
import { CURSOR_KEYS } from '../../../src/domain/sync-cursor.js';
import { random } from '../../../tools/upstream-simulator/dataset.js';
import { aClient, aContact, manyContacts, seqId } from '../../fakes/builders.js';
import { InMemoryContactSource } from '../../fakes/in-memory-contact-source.js';
import { InMemoryContactStore } from '../../fakes/in-memory-contact-store.js';
import { InMemoryCursorStore } from '../../fakes/in-memory-cursor-store.js';
import { recordingLogger } from '../../support/recording-logger.js';

/*
 * The deletion rules of a contacts pass (issue 11, section 3): a contact that exists upstream the
 * whole pass is never marked deleted, whatever the listing does meanwhile; one gone upstream is
 * marked within two complete passes; an empty first page wipes nothing; a pass that would delete
 * too many at once holds them until the next pass finds them missing too.
 */

function makeSut({ deleteGuard = DEFAULT_CONTACTS_SETTINGS.deleteGuard }: { deleteGuard?: number } = {}) {
  const client = aClient({ slug: 'acme' });
  const source = new InMemoryContactSource();
  const store = new InMemoryContactStore();
  const cursors = new InMemoryCursorStore();
  const logger = recordingLogger();
  const sut = new SyncContactsUseCase(source, store, cursors, new SettleContactDeletions(source, store, { deleteGuard }, logger));
  return { sut, client, source, store, cursors, logger };
}

/** A client whose first pass stored `count` contacts c-0001.. */
async function synced(count: number, options: { deleteGuard?: number } = {}) {
  const sut = makeSut(options);
  sut.source.seedContacts(sut.client.id, manyContacts(count));
  await sut.sut.execute(sut.client);
  sut.source.requests.length = 0;
  return sut;
}

describe('SyncContactsUseCase: deletions', () => {
  describe('contacts changing upstream while the pass pages', () => {
    it('when a contact of an already-read page is deleted mid-pass, then the contact shifted onto that page is not marked deleted, and the deleted one is marked by the next pass', async () => {
      const { sut, client, source, store } = await synced(120);
      // c-0010 goes after page 1 is read: c-0051 moves onto page 1, and page 2 starts at c-0052.
      source.onListContacts = ({ call }) => {
        if (call === 2) source.deleteContact(client.id, 'c-0010');
      };

      const first = await sut.execute(client);
      source.onListContacts = undefined;
      const second = await sut.execute(client);

      expect(first.deletedContacts).to.equal(0);
      expect(store.contact(client.id, 'c-0051')!.deleted).to.equal(false);
      expect(second.deletedContacts).to.equal(1);
      expect(store.deletedIds(client.id)).to.deep.equal(['c-0010']);
    });

    it('when a contact is created on an already-read page mid-pass, then nothing is marked deleted and the new contact is stored by the next pass', async () => {
      const { sut, client, source, store } = await synced(120);
      source.onListContacts = ({ call }) => {
        if (call === 2) source.seedContacts(client.id, [aContact({ id: 'c-0010a' })]);
      };

      const first = await sut.execute(client);
      await sut.execute(client);

      expect(first.deletedContacts).to.equal(0);
      expect(store.deletedIds(client.id)).to.deep.equal([]);
      expect(store.contact(client.id, 'c-0010a')!.deleted).to.equal(false);
    });

    it('when one contact is deleted and another created between two pages (meta.total unchanged), then the contact shifted out of sight is not marked deleted', async () => {
      const { sut, client, source, store } = await synced(120);
      source.onListContacts = ({ call }) => {
        if (call !== 2) return;
        source.deleteContact(client.id, 'c-0010');
        source.seedContacts(client.id, [aContact({ id: 'c-0080a' })]);
      };

      const report = await sut.execute(client);

      expect(report.deletedContacts).to.equal(0);
      expect(store.contact(client.id, 'c-0051')!.deleted).to.equal(false);
    });

    it('when contacts keep being created and deleted at every request of several passes, then no contact that existed all along is ever marked deleted, and once the changes stop, two passes mark every deleted one', async () => {
      for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
        const { sut, client, source, store } = await synced(230);
        const next = random(seed);
        const everDeleted = new Set<string>();
        let created = 0;
        for (let pass = 0; pass < 3; pass++) {
          const presentAtStart = new Set(source.ids(client.id));
          const deletedThisPass = new Set<string>();
          source.onListContacts = () => {
            const ids = source.ids(client.id);
            if (next() < 0.6 && ids.length) {
              const gone = ids[Math.floor(next() * Math.min(ids.length, 120))]!;
              source.deleteContact(client.id, gone);
              deletedThisPass.add(gone);
              everDeleted.add(gone);
            }
            if (next() < 0.5) source.seedContacts(client.id, [aContact({ id: `c-${String(Math.floor(next() * 200)).padStart(4, '0')}n${created++}` })]);
          };

          await sut.execute(client);

          const aliveAllAlong = [...presentAtStart].filter((id) => !deletedThisPass.has(id));
          const wronglyDeleted = aliveAllAlong.filter((id) => store.contact(client.id, id)?.deleted);
          expect(wronglyDeleted, `seed ${seed}, pass ${pass + 1}`).to.deep.equal([]);
        }
        source.onListContacts = undefined;
        await sut.execute(client);
        await sut.execute(client);

        const storedAndGone = [...everDeleted].filter((id) => store.contact(client.id, id));
        expect(store.deletedIds(client.id), `seed ${seed}`).to.deep.equal(storedAndGone.sort());
      }
    });
  });

  describe('proving a contact missing', () => {
    it('when a deleted contact fell inside a page the pass read, then it is marked deleted without any extra request', async () => {
      const { sut, client, source, store } = await synced(120);
      source.deleteContact(client.id, 'c-0030');

      const report = await sut.execute(client);

      expect(report.deletedContacts).to.equal(1);
      expect(store.deletedIds(client.id)).to.deep.equal(['c-0030']);
      expect(source.requests.map((r) => r.query.page)).to.deep.equal([1, 2, 3]);
    });

    it('when a deleted contact sits exactly between two pages, then the pass reading both pages twice back to back only suspects it, and the next pass, finding it missing too, marks it deleted', async () => {
      const { sut, client, source, store } = await synced(120);
      // Without c-0051, page 1 ends at c-0050 and page 2 starts at c-0052: no page shows its place.
      source.deleteContact(client.id, 'c-0051');

      const suspecting = await sut.execute(client);
      const suspected = store.contact(client.id, 'c-0051')!;
      const firstPassRequests = source.requests.map((r) => r.query.page);
      const confirming = await sut.execute(client);

      expect(firstPassRequests).to.deep.equal([1, 2, 3, 1, 2, 1, 2]);
      expect(suspecting.deletedContacts).to.equal(0);
      expect(suspected).to.include({ deleted: false, deletionSuspectedInPass: 2 });
      expect(confirming.deletedContacts).to.equal(1);
      expect(store.deletedIds(client.id)).to.deep.equal(['c-0051']);
    });

    it('when the last contacts are deleted upstream, then the short last page proves them gone', async () => {
      const { sut, client, source, store } = await synced(120);
      source.deleteContact(client.id, 'c-0119');
      source.deleteContact(client.id, 'c-0120');

      await sut.execute(client);

      expect(store.deletedIds(client.id)).to.deep.equal(['c-0119', 'c-0120']);
    });

    it('when a pass resumes in a later run, then a contact missing from a page the earlier run read is looked for again before being marked deleted', async () => {
      const { sut, client, source, store } = await synced(120);
      source.deleteContact(client.id, 'c-0030');
      source.onListContacts = ({ call }) => {
        if (call === 2) throw new UpstreamUnavailableError('upstream kept failing');
      };
      await sut.execute(client).catch(() => {});
      source.onListContacts = undefined;
      source.requests.length = 0;

      const report = await sut.execute(client);

      expect(report.deletedContacts).to.equal(1);
      expect(store.deletedIds(client.id)).to.deep.equal(['c-0030']);
      expect(source.requests.map((r) => r.query.page)).to.deep.equal([2, 3, 1]);
    });
  });

  describe('an empty first page (an upstream glitch)', () => {
    it('when the first page of a pass comes back empty, then no contact is marked deleted, the pass ends with a warning, and the next pass finds everything in place', async () => {
      const { sut, client, source, store, logger } = await synced(120);
      source.emptyAnswers.add(1);

      const glitched = await sut.execute(client);
      const next = await sut.execute(client);

      expect(glitched).to.include({ deletedContacts: 0, deletionsHeld: 0, cursorAfter: '0' });
      expect(glitched.warnings).to.have.length(1);
      expect(glitched.warnings![0]).to.include('empty first page').and.include('120');
      expect(next).to.include({ deletedContacts: 0, contacts: 120 });
      expect(next.warnings).to.equal(undefined);
      expect(store.deletedIds(client.id)).to.deep.equal([]);
      expect(logger.lines.filter((l) => l.level === 'warn').map((l) => l.fields)).to.deep.equal([{ client: 'acme', pass: 2, live: 120 }]);
    });

    it('when the first page comes back empty with the guard off, then still nothing is marked deleted', async () => {
      const { sut, client, source, store } = await synced(8, { deleteGuard: 1 });
      source.emptyAnswers.add(1);

      const report = await sut.execute(client);

      expect(report.deletedContacts).to.equal(0);
      expect(store.deletedIds(client.id)).to.deep.equal([]);
    });

    it('when a later page comes back empty by mistake, then the contacts after it are looked for again, found, and not marked deleted', async () => {
      const { sut, client, source, store } = await synced(120, { deleteGuard: 1 });
      source.emptyAnswers.add(2);

      const report = await sut.execute(client);

      expect(report.deletedContacts).to.equal(0);
      expect(store.deletedIds(client.id)).to.deep.equal([]);
    });

    it('when a client has no stored contacts and its upstream none either, then the pass ends without a warning', async () => {
      const { sut, client } = makeSut();

      const report = await sut.execute(client);

      expect(report).to.include({ pages: 1, contacts: 0, deletedContacts: 0 });
      expect(report.warnings).to.equal(undefined);
    });
  });

  describe('glitches and coincidences that must not delete', () => {
    const pagesRequested = (source: InMemoryContactSource) => source.requests.map((r) => r.query.page);

    it('when a page in the middle comes back empty twice while its meta.total says more contacts follow, then it is read again and the pass goes on: none of the contacts after it is marked deleted', async () => {
      const { sut, client, source, store } = await synced(600);
      source.emptyAnswersWithTotal.add(11).add(12);

      const report = await sut.execute(client);

      expect(pagesRequested(source)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 11, 11, 12, 13]);
      expect(report).to.include({ deletedContacts: 0, deletionsHeld: 0, contacts: 600 });
      expect(report.warnings).to.equal(undefined);
      expect(store.deletedIds(client.id)).to.deep.equal([]);
    });

    it('when a page in the middle keeps coming back empty while its meta.total says more contacts follow, then the pass ends there without marking anything deleted, says why, and the next pass starts again from page 1', async () => {
      const { sut, client, source, store, cursors, logger } = await synced(600);
      source.emptyAnswersWithTotal.add(11).add(12).add(13);

      const cut = await sut.execute(client);
      const next = await sut.execute(client);

      expect(pagesRequested(source).slice(0, 13)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 11, 11]);
      expect(cut).to.include({ deletedContacts: 0, deletionsHeld: 0, cursorAfter: '0' });
      expect(cut.warnings).to.have.length(1);
      expect(cut.warnings![0]).to.include('ended early').and.include('page 11').and.include('600');
      expect(logger.lines.filter((l) => l.level === 'warn').map((l) => l.fields)).to.deep.equal([{ client: 'acme', pass: 2, page: 11, listed: 0, total: 600 }]);
      expect(next).to.include({ deletedContacts: 0, contacts: 600, cursorBefore: '0' });
      expect(cursors.value(client.id, CURSOR_KEYS.contactsPass)).to.equal('3');
      expect(store.deletedIds(client.id)).to.deep.equal([]);
    });

    it('when the upstream gives no meta.total and a page in the middle comes back empty, also when read again, then the contacts after it are found again and none is marked deleted', async () => {
      const { sut, client, source, store } = await synced(600);
      source.withoutTotal = true;
      // Call 11 is the walk's page 11; call 13 the first re-read of page 11 (10, 11, 10, 11 back to back).
      source.emptyAnswers.add(11).add(13);

      const report = await sut.execute(client);

      expect(report.deletedContacts).to.equal(0);
      expect(store.deletedIds(client.id)).to.deep.equal([]);
      expect(store.contacts(client.id).every((c) => c.deletionSuspectedInPass === null)).to.equal(true);
    });

    it('when the upstream gives no meta.total and its last contacts are deleted, then the short last page only suspects them, and the next pass deletes them', async () => {
      const { sut, client, source, store } = await synced(120);
      source.withoutTotal = true;
      source.deleteContact(client.id, 'c-0119');
      source.deleteContact(client.id, 'c-0120');

      const suspecting = await sut.execute(client);
      const confirming = await sut.execute(client);

      expect(suspecting.deletedContacts).to.equal(0);
      expect(confirming.deletedContacts).to.equal(2);
      expect(store.deletedIds(client.id)).to.deep.equal(['c-0119', 'c-0120']);
    });

    it('when contacts are created and deleted around a page boundary in step with every re-read (meta.total unchanged), then a contact present all along is only suspected, never marked deleted, and the next pass clears the suspicion', async () => {
      const { sut, client, source, store } = await synced(220);
      const swap = (gone: string, added: string) => {
        source.deleteContact(client.id, gone);
        source.seedContacts(client.id, [aContact({ id: added })]);
      };
      source.onListContacts = ({ call }) => {
        // Before the walk's page 3: c-0101 slides onto page 2, already read.
        if (call === 3) swap('c-0010', 'c-0300');
        // Then around pages 2, 3, 2, 3 read back to back: one contact in, one out below c-0101 each
        // time, another out, one in past page 3 — both pages answer the same twice, total 220.
        if (call === 6) swap('c-0300', 'c-0005a');
        if (call === 7) swap('c-0005a', 'c-0400');
        if (call === 8) swap('c-0400', 'c-0005b');
        if (call === 9) swap('c-0005b', 'c-0500');
      };

      const fooled = await sut.execute(client);
      const suspected = store.contact(client.id, 'c-0101')!;
      source.onListContacts = undefined;
      await sut.execute(client);

      expect(pagesRequested(source).slice(5, 9)).to.deep.equal([2, 3, 2, 3]);
      expect(fooled.deletedContacts).to.equal(0);
      expect(suspected).to.include({ deleted: false, deletionSuspectedInPass: 2 });
      expect(store.contact(client.id, 'c-0101')).to.include({ deleted: false, deletionSuspectedInPass: null });
      expect(store.deletedIds(client.id)).to.deep.equal(['c-0010', 'c-0300']);
    });

    it('when the end of a pass that held deletions is retried (its page cursor could not be saved), then the retry holds them again instead of deleting them', async () => {
      const { sut, client, source, store, cursors } = await synced(100);
      for (let i = 31; i <= 60; i++) source.deleteContact(client.id, seqId('c', i));
      cursors.onSet = ({ key, value }) => {
        if (key === CURSOR_KEYS.contactsPage && value === '0') {
          cursors.onSet = undefined;
          throw new Error('connection reset');
        }
      };

      const failed = await sut.execute(client).then(
        () => null,
        (error: unknown) => error,
      );
      const retried = await sut.execute(client);
      const next = await sut.execute(client);

      expect(failed).to.be.instanceOf(Error);
      expect(retried).to.include({ cursorBefore: '1', deletedContacts: 0, deletionsHeld: 30 });
      expect(store.deletedIds(client.id)).to.have.length(30);
      expect(next).to.include({ deletedContacts: 30 });
    });
  });

  describe('looking again', () => {
    it('when the pass reads pages again to look for unseen contacts, then those pages count in the report and each is reported to onProgress', async () => {
      const { sut, client, source } = await synced(120);
      source.deleteContact(client.id, 'c-0051');
      const progress: SyncContactsReport[] = [];

      const report = await sut.execute(client, async (r) => {
        progress.push({ ...r });
      });

      expect(report).to.include({ pages: 7, contacts: 119 + 4 * 50 });
      expect(progress.map((p) => [p.pages, p.cursorAfter])).to.deep.equal([
        [1, '1'],
        [2, '2'],
        [4, '2'],
        [5, '2'],
        [6, '2'],
        [7, '2'],
        [7, '0'],
      ]);
    });

    it('when the upstream fails while unseen contacts are looked for again, then the pass still applies what its own pages proved, leaves the others, and says so', async () => {
      const { sut, client, source, store } = await synced(120);
      // c-0030 falls inside page 1; c-0052, once c-0030 is gone too, exactly between pages 1 and 2.
      source.deleteContact(client.id, 'c-0030');
      source.deleteContact(client.id, 'c-0052');
      source.onListContacts = ({ call }) => {
        if (call === 4) throw new UpstreamUnavailableError('upstream kept failing');
      };

      const report = await sut.execute(client);

      expect(report).to.include({ deletedContacts: 1, cursorAfter: '0' });
      expect(report.warnings).to.have.length(1);
      expect(report.warnings![0]).to.include('upstream failed').and.include('1 contacts');
      expect(store.deletedIds(client.id)).to.deep.equal(['c-0030']);
      expect(store.contact(client.id, 'c-0052')).to.include({ deleted: false, deletionSuspectedInPass: null });
    });
  });

  describe('the deletion guard (CONTACTS_DELETE_GUARD)', () => {
    const deleteUpstream = (source: InMemoryContactSource, clientId: string, from: number, count: number) => {
      for (let i = from; i < from + count; i++) source.deleteContact(clientId, seqId('c', i));
    };

    it('when a pass finds more than 20% and more than 10 of the live contacts missing, then it marks none, records deletionsHeld and a warning, logs it, and the next pass that finds them missing deletes them', async () => {
      const { sut, client, source, store, logger } = await synced(100);
      deleteUpstream(source, client.id, 31, 30);

      const held = await sut.execute(client);
      const applied = await sut.execute(client);

      expect(held).to.include({ deletedContacts: 0, deletionsHeld: 30 });
      expect(held.warnings).to.have.length(1);
      expect(held.warnings![0]).to.include('30 of 100').and.include('CONTACTS_DELETE_GUARD=0.2');
      expect(logger.lines.filter((l) => l.level === 'warn').map((l) => l.fields)).to.deep.equal([{ client: 'acme', pass: 2, deletionsHeld: 30, live: 100, guard: 0.2 }]);
      expect(applied).to.include({ deletedContacts: 30, deletionsHeld: 0 });
      expect(applied.warnings).to.equal(undefined);
      expect(store.deletedIds(client.id)).to.have.length(30);
    });

    it('when held contacts reappear upstream before the next pass, then that pass deletes none of them', async () => {
      const { sut, client, source, store } = await synced(100);
      const gone = manyContacts(30, 31);
      deleteUpstream(source, client.id, 31, 30);
      await sut.execute(client);
      source.seedContacts(client.id, gone);

      const next = await sut.execute(client);

      expect(next).to.include({ deletedContacts: 0, deletionsHeld: 0 });
      expect(store.deletedIds(client.id)).to.deep.equal([]);
      expect(store.contacts(client.id).every((c) => c.deletionHeldInPass === null)).to.equal(true);
    });

    it('when the next pass finds the held contacts missing and a few more, then it deletes them all', async () => {
      const { sut, client, source, store } = await synced(100);
      deleteUpstream(source, client.id, 31, 30);
      await sut.execute(client);
      deleteUpstream(source, client.id, 1, 2);

      const next = await sut.execute(client);

      expect(next).to.include({ deletedContacts: 32, deletionsHeld: 0 });
      expect(store.deletedIds(client.id)).to.have.length(32);
    });

    it('when a pass finds exactly 10 missing, even half of the live contacts, then it deletes them: the guard needs more than 10', async () => {
      const { sut, client, source, store } = await synced(20);
      deleteUpstream(source, client.id, 1, 10);

      const report = await sut.execute(client);

      expect(report).to.include({ deletedContacts: 10, deletionsHeld: 0 });
      expect(store.deletedIds(client.id)).to.have.length(10);
    });

    it('when CONTACTS_DELETE_GUARD is 1, then a pass deletes every contact it proves missing at once, however many', async () => {
      const { sut, client, source, store } = await synced(100, { deleteGuard: 1 });
      deleteUpstream(source, client.id, 2, 95);

      const report = await sut.execute(client);

      expect(report).to.include({ deletedContacts: 95, deletionsHeld: 0 });
      expect(report.warnings).to.equal(undefined);
      expect(store.deletedIds(client.id)).to.have.length(95);
    });
  });
});
