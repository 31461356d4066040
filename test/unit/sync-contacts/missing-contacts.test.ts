import { expect } from 'chai';
import { evidenceOf, findMissingContacts, type ListedContactsPage, type PageEvidence } from '../../../src/application/sync-contacts/missing-contacts.js';
import { seqId } from '../../fakes/builders.js';

const SIZE = 50;
const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => seqId('c', from + k));

/** A listing answered from `pages()` at each request (so a test can change it between requests); requests recorded. */
function listing(pages: () => string[]) {
  const requests: number[] = [];
  const readPage = async (page: number): Promise<ListedContactsPage> => {
    requests.push(page);
    const all = pages();
    return { page, ids: all.slice((page - 1) * SIZE, page * SIZE), total: all.length };
  };
  return { requests, readPage };
}

const noWalk = new Map<number, PageEvidence>();
const unseen = (id: string, seenBefore: number) => ({ id, seenBefore, deletionHeld: false });

describe('findMissingContacts', () => {
  it('when a contact’s place is inside a page that does not hold it, then one read proves it missing', async () => {
    const { requests, readPage } = listing(() => ids(1, 120).filter((id) => id !== 'c-0030'));

    const search = await findMissingContacts([unseen('c-0030', 29)], readPage, { pageSize: SIZE, maxRequests: 10, walked: noWalk });

    expect(search).to.deep.equal({ missing: ['c-0030'], unresolved: [], requests: 1 });
    expect(requests).to.deep.equal([1]);
  });

  it('when the contact is on the page read, then it is not missing', async () => {
    const { readPage } = listing(() => ids(1, 120));

    const search = await findMissingContacts([unseen('c-0051', 50)], readPage, { pageSize: SIZE, maxRequests: 10, walked: noWalk });

    expect(search).to.deep.equal({ missing: [], unresolved: [], requests: 2 });
  });

  it('when a page comes back out of id order, then it proves nothing', async () => {
    const shuffled = [...ids(1, 29), ...ids(31, 120)].reverse();
    const { readPage } = listing(() => shuffled);

    const search = await findMissingContacts([unseen('c-0030', 29)], readPage, { pageSize: SIZE, maxRequests: 10, walked: noWalk });

    expect(search.missing).to.deep.equal([]);
    expect(search.unresolved).to.deep.equal(['c-0030']);
  });

  it('when a contact’s place is between two pages, then only the same answers twice prove it missing: answers that changed in between prove nothing', async () => {
    let extra = 0;
    // Each request adds a contact at the very end: page 2's answer (and meta.total) never repeats.
    const { readPage } = listing(() => [...ids(1, 50), ...ids(52, 100), ...ids(1, ++extra).map((id) => `z-${id}`)]);

    const search = await findMissingContacts([unseen('c-0051', 50)], readPage, { pageSize: SIZE, maxRequests: 100, walked: noWalk });

    expect(search.missing).to.deep.equal([]);
    expect(search.unresolved).to.deep.equal(['c-0051']);
  });

  it('when the pass’s own reads of the two pages match a second read, then that is enough', async () => {
    const all = [...ids(1, 50), ...ids(52, 120)];
    const walked = new Map([1, 2, 3].map((page) => [page, evidenceOf({ page, ids: all.slice((page - 1) * SIZE, page * SIZE), total: all.length })]));
    const { requests, readPage } = listing(() => all);

    const search = await findMissingContacts([unseen('c-0051', 50)], readPage, { pageSize: SIZE, maxRequests: 10, walked });

    expect(search.missing).to.deep.equal(['c-0051']);
    expect(requests).to.deep.equal([1, 2]);
  });

  it('when the listing keeps changing, then it never sends more than maxRequests, and leaves what it could not decide alone', async () => {
    let extra = 0;
    const { requests, readPage } = listing(() => [...ids(1, 50), ...ids(52, 100), ...ids(102, 150), ...ids(1, ++extra).map((id) => `z-${id}`)]);

    const search = await findMissingContacts([unseen('c-0051', 50), unseen('c-0101', 99)], readPage, { pageSize: SIZE, maxRequests: 5, walked: noWalk });

    // Round 1 proves c-0101 (inside page 2); c-0051, between pages 1 and 2, never gets the same answers twice.
    expect(requests).to.deep.equal([1, 2, 1, 2]);
    expect(search).to.deep.equal({ missing: ['c-0101'], unresolved: ['c-0051'], requests: 4 });
  });

  it('when the only answers are empty pages, then nothing is proven missing', async () => {
    const { readPage } = listing(() => []);

    const search = await findMissingContacts([unseen('c-0001', 0), unseen('c-0002', 0)], readPage, { pageSize: SIZE, maxRequests: 10, walked: noWalk });

    expect(search.missing).to.deep.equal([]);
    expect(search.unresolved).to.deep.equal(['c-0001', 'c-0002']);
  });
});
