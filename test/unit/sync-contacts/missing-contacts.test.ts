import { expect } from 'chai';
import { boundsOf, type ListedContactsPage, type PageBounds } from '../../../src/application/sync-contacts/listing-evidence.js';
import { findMissingContacts } from '../../../src/application/sync-contacts/missing-contacts.js';
import { seqId } from '../../fakes/builders.js';

const SIZE = 50;
const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => seqId('c', from + k));

/** A listing answered from `pages()` at each request (so a test can change it between requests); requests recorded. */
function listing(pages: () => string[], { withTotal = true } = {}) {
  const requests: number[] = [];
  const readPage = async (page: number): Promise<ListedContactsPage> => {
    requests.push(page);
    const all = pages();
    return { page, ids: all.slice((page - 1) * SIZE, page * SIZE), total: withTotal ? all.length : null };
  };
  return { requests, readPage };
}

const noWalk = new Map<number, PageBounds>();
const unseen = (id: string, seenBefore: number) => ({ id, seenBefore, deletionHeld: false, deletionSuspected: false });
const found = (search: { missing: string[]; suspected: string[]; unresolved: string[] }) => ({ missing: search.missing, suspected: search.suspected, unresolved: search.unresolved });

describe('findMissingContacts', () => {
  it('when a contact’s place is inside a page that does not hold it, then one read proves it missing', async () => {
    const { requests, readPage } = listing(() => ids(1, 120).filter((id) => id !== 'c-0030'));

    const search = await findMissingContacts([unseen('c-0030', 29)], readPage, { pageSize: SIZE, maxRequests: 10, walked: noWalk });

    expect(search).to.deep.equal({ missing: ['c-0030'], suspected: [], unresolved: [], requests: 1, failed: false });
    expect(requests).to.deep.equal([1]);
  });

  it('when the contact is on the pages read, then it is not missing', async () => {
    const { readPage } = listing(() => ids(1, 120));

    const search = await findMissingContacts([unseen('c-0051', 50)], readPage, { pageSize: SIZE, maxRequests: 10, walked: noWalk });

    expect(found(search)).to.deep.equal({ missing: [], suspected: [], unresolved: [] });
  });

  it('when a page comes back out of id order, then it proves nothing', async () => {
    const shuffled = [...ids(1, 29), ...ids(31, 120)].reverse();
    const { readPage } = listing(() => shuffled);

    const search = await findMissingContacts([unseen('c-0030', 29)], readPage, { pageSize: SIZE, maxRequests: 10, walked: noWalk });

    expect(search.missing).to.deep.equal([]);
    expect(search.unresolved).to.deep.equal(['c-0030']);
  });

  it('when a contact’s place is between two pages and they answer the same twice back to back, then it is only suspected, never proven', async () => {
    const { requests, readPage } = listing(() => [...ids(1, 50), ...ids(52, 120)]);

    const search = await findMissingContacts([unseen('c-0051', 50)], readPage, { pageSize: SIZE, maxRequests: 10, walked: noWalk });

    expect(found(search)).to.deep.equal({ missing: [], suspected: ['c-0051'], unresolved: [] });
    expect(requests).to.deep.equal([1, 2, 1, 2]);
  });

  it('when a contact’s place is between two pages and their answers changed in between, then it is not even suspected', async () => {
    let extra = 0;
    // Each request adds a contact at the very end: meta.total never repeats.
    const { readPage } = listing(() => [...ids(1, 50), ...ids(52, 100), ...ids(1, ++extra).map((id) => `z-${id}`)]);

    const search = await findMissingContacts([unseen('c-0051', 50)], readPage, { pageSize: SIZE, maxRequests: 100, walked: noWalk });

    expect(found(search)).to.deep.equal({ missing: [], suspected: [], unresolved: ['c-0051'] });
  });

  it('when the upstream gives no meta.total, then two pages answering the same twice suspect nothing: a missing count never matches', async () => {
    const { readPage } = listing(() => [...ids(1, 50), ...ids(52, 120)], { withTotal: false });

    const search = await findMissingContacts([unseen('c-0051', 50)], readPage, { pageSize: SIZE, maxRequests: 20, walked: noWalk });

    expect(found(search)).to.deep.equal({ missing: [], suspected: [], unresolved: ['c-0051'] });
  });

  it('when the pass’s own pages show the two pages around a place, then they are not reused: the pages are read again back to back', async () => {
    const all = [...ids(1, 50), ...ids(52, 120)];
    const walked = new Map([1, 2, 3].map((page) => [page, boundsOf({ page, ids: all.slice((page - 1) * SIZE, page * SIZE), total: all.length }, SIZE)]));
    const { requests, readPage } = listing(() => all);

    const search = await findMissingContacts([unseen('c-0051', 50)], readPage, { pageSize: SIZE, maxRequests: 10, walked });

    expect(search.suspected).to.deep.equal(['c-0051']);
    expect(requests).to.deep.equal([1, 2, 1, 2]);
  });

  it('when the pass’s last page is full and its meta.total says the listing ends there, then it proves the contacts past it missing', async () => {
    const all = ids(1, 100);
    const walked = new Map([1, 2].map((page) => [page, boundsOf({ page, ids: all.slice((page - 1) * SIZE, page * SIZE), total: 100 }, SIZE)]));
    const { requests, readPage } = listing(() => all);

    const search = await findMissingContacts([unseen('c-0101', 100)], readPage, { pageSize: SIZE, maxRequests: 10, walked });

    expect(found(search)).to.deep.equal({ missing: ['c-0101'], suspected: [], unresolved: [] });
    expect(requests).to.deep.equal([]);
  });

  it('when a short page’s meta.total says more contacts follow, then it proves nothing past its end', async () => {
    const walked = new Map([[2, boundsOf({ page: 2, ids: ids(51, 70), total: 600 }, SIZE)]]);
    const { readPage } = listing(() => []);

    const search = await findMissingContacts([unseen('c-0071', 70)], readPage, { pageSize: SIZE, maxRequests: 10, walked });

    expect(search.missing).to.deep.equal([]);
  });

  it('when the listing keeps changing, then it never sends more than maxRequests, and leaves what it could not decide alone', async () => {
    let extra = 0;
    const { requests, readPage } = listing(() => [...ids(1, 50), ...ids(52, 100), ...ids(102, 150), ...ids(1, ++extra).map((id) => `z-${id}`)]);

    const search = await findMissingContacts([unseen('c-0051', 50), unseen('c-0101', 99)], readPage, { pageSize: SIZE, maxRequests: 6, walked: noWalk });

    // Round 1 (pages 1, 2, 1, 2, page 2 also showing c-0101's place) proves c-0101; c-0051, between
    // pages 1 and 2, never gets the same answers twice, and a second round would exceed the bound.
    expect(requests).to.deep.equal([1, 2, 1, 2]);
    expect(search).to.deep.equal({ missing: ['c-0101'], suspected: [], unresolved: ['c-0051'], requests: 4, failed: false });
  });

  it('when the only answers are empty pages, then nothing is proven missing', async () => {
    const { readPage } = listing(() => []);

    const search = await findMissingContacts([unseen('c-0001', 0), unseen('c-0002', 0)], readPage, { pageSize: SIZE, maxRequests: 10, walked: noWalk });

    expect(found(search)).to.deep.equal({ missing: [], suspected: [], unresolved: ['c-0001', 'c-0002'] });
  });
});
