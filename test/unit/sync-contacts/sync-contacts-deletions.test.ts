import { expect } from 'chai';
import { DEFAULT_CONTACTS_SETTINGS } from '../../../src/application/settings.js';
import { SettleContactDeletions } from '../../../src/application/sync-contacts/settle-contact-deletions.js';
import { SyncContactsUseCase } from '../../../src/application/sync-contacts/sync-contacts.use-case.js';
import { UpstreamUnavailableError } from '../../../src/domain/errors.js';
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

    it('when a deleted contact sat exactly between two pages, then both pages are read again and, answering the same, prove it gone in the same pass', async () => {
      const { sut, client, source, store } = await synced(120);
      // Without c-0051, page 1 ends at c-0050 and page 2 starts at c-0052: no page shows its place.
      source.deleteContact(client.id, 'c-0051');

      const report = await sut.execute(client);

      expect(report.deletedContacts).to.equal(1);
      expect(store.deletedIds(client.id)).to.deep.equal(['c-0051']);
      expect(source.requests.map((r) => r.query.page)).to.deep.equal([1, 2, 3, 1, 2]);
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
