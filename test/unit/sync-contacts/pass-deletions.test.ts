import { expect } from 'chai';
import { decideDeletions } from '../../../src/application/sync-contacts/pass-deletions.js';
import type { UnseenContact } from '../../../src/domain/ports/contact-store.port.js';
import { seqId } from '../../fakes/builders.js';

const unseen = (id: string, earlier: { held?: boolean; suspected?: boolean } = {}): UnseenContact => ({ id, seenBefore: 0, deletionHeld: earlier.held ?? false, deletionSuspected: earlier.suspected ?? false });
const ids = (count: number) => Array.from({ length: count }, (_, k) => seqId('c', k + 1));

describe('decideDeletions', () => {
  it('when a contact is proven missing by this pass, then it is deleted; when only suspected, then it is remembered, not deleted', () => {
    const decided = decideDeletions([unseen('c-1'), unseen('c-2')], { missing: ['c-1'], suspected: ['c-2'] }, 100, 0.2);

    expect(decided).to.deep.equal({ delete: ['c-1'], hold: [], suspect: ['c-2'], guardHeld: false });
  });

  it('when an earlier pass suspected a contact, then this pass deletes it whether it proves or only suspects it missing again', () => {
    const decided = decideDeletions([unseen('c-1', { suspected: true }), unseen('c-2', { suspected: true })], { missing: ['c-1'], suspected: ['c-2'] }, 100, 0.2);

    expect(decided).to.deep.equal({ delete: ['c-1', 'c-2'], hold: [], suspect: [], guardHeld: false });
  });

  it('when the guard holds, then the new deletions and the confirmed suspicions are held, and what an earlier pass held is deleted', () => {
    const fresh = ids(11);
    const contacts = [...fresh.map((id) => unseen(id)), unseen('c-held', { held: true }), unseen('c-susp', { suspected: true }), unseen('c-new')];

    const decided = decideDeletions(contacts, { missing: [...fresh, 'c-held'], suspected: ['c-susp', 'c-new'] }, 50, 0.2);

    expect(decided).to.deep.equal({ delete: ['c-held'], hold: [...fresh, 'c-susp'], suspect: ['c-new'], guardHeld: true });
  });
});
