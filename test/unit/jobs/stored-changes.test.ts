import { expect } from 'chai';
import { StoredChanges } from '../../../src/application/jobs/stored-changes.js';

const SUBJECT = { clientId: 'client-1', slug: 'acme', kind: 'import', runId: 'run-1' } as const;
const NOTHING = { tickets: 0, messages: 0, contacts: 0, deletedTickets: 0, deletedContacts: 0 };

describe('StoredChanges (what a checkpoint announces to the change feed)', () => {
  it('when cumulative reports grow, then each announcement carries only what was stored since the previous one', () => {
    const changes = new StoredChanges(SUBJECT);

    const first = changes.next({ tickets: 100, messages: 300, skippedTickets: 1, cursorBefore: null, cursorAfter: '2026-11-28T10:00:00.000Z' });
    const second = changes.next({ tickets: 150, messages: 420, skippedTickets: 1, cursorBefore: null, cursorAfter: '2026-11-28T11:00:00.000Z' });

    expect(first).to.deep.equal({ ...SUBJECT, ...NOTHING, tickets: 100, messages: 300, deletedTickets: 1, cursor: '2026-11-28T10:00:00.000Z' });
    expect(second).to.deep.equal({ ...SUBJECT, ...NOTHING, tickets: 50, messages: 120, cursor: '2026-11-28T11:00:00.000Z' });
  });

  it('when a report stores nothing and leaves the cursor where the run found it, then there is nothing to announce', () => {
    const changes = new StoredChanges(SUBJECT);

    expect(changes.next({ tickets: 0, messages: 0, cursorBefore: '2026-11-28T10:00:00.000Z', cursorAfter: '2026-11-28T10:00:00.000Z' })).to.equal(null);
    expect(changes.next(undefined)).to.equal(null);
  });

  it('when a contacts pass ends by flagging deleted contacts on a page that stored none, then the deletions are announced', () => {
    const changes = new StoredChanges({ ...SUBJECT, kind: 'contacts-sync' });
    changes.next({ contacts: 50, deletedContacts: 0, cursorBefore: '0', cursorAfter: '1' });

    const last = changes.next({ contacts: 50, deletedContacts: 7, cursorBefore: '0', cursorAfter: '1' });

    expect(last).to.deep.include({ contacts: 0, deletedContacts: 7, cursor: '1' });
  });

  it('when a reconcile reports its findings (objects) instead of counts, then it is announced by its cursor alone', () => {
    const changes = new StoredChanges({ ...SUBJECT, kind: 'reconcile' });
    const findings = { upstream: 10, stored: 9, missing: 1, window: null };

    const moved = changes.next({ tickets: findings, cursorBefore: '2026-11-28T10:00:00.000Z', cursorAfter: '2026-11-28T12:00:00.000Z' });
    const still = changes.next({ tickets: findings, cursorBefore: '2026-11-28T10:00:00.000Z', cursorAfter: '2026-11-28T12:00:00.000Z' });

    expect(moved).to.deep.equal({ ...SUBJECT, kind: 'reconcile', ...NOTHING, cursor: '2026-11-28T12:00:00.000Z' });
    expect(still).to.equal(null);
  });

  it('when a reconcile reports the rows its import and its repair wrote, then those are announced, even with the cursor where it was', () => {
    const changes = new StoredChanges({ ...SUBJECT, kind: 'reconcile' });
    const findings = { tickets: { upstream: 10, stored: 9, missing: 1, goneUpstream: 1, window: null }, messages: { sampled: 5, mismatched: 0 }, contacts: { upstream: 3, stored: 3 } };
    const cursor = { cursorBefore: '2026-11-28T10:00:00.000Z', cursorAfter: '2026-11-28T10:00:00.000Z' };
    changes.next({ ...findings, ...cursor, rowsStored: { ...NOTHING, tickets: 2, messages: 4 } });

    const repaired = changes.next({ ...findings, ...cursor, rowsStored: { tickets: 3, messages: 7, contacts: 0, deletedTickets: 1, deletedContacts: 0 } });

    expect(repaired).to.deep.equal({ ...SUBJECT, kind: 'reconcile', ...NOTHING, tickets: 1, messages: 3, deletedTickets: 1, cursor: '2026-11-28T10:00:00.000Z' });
  });
});
