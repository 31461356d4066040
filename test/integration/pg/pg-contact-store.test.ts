import { expect } from 'chai';
import type { DependencyContainer } from 'tsyringe';
import { TOKENS } from '../../../src/application/tokens.js';
import type { Contact } from '../../../src/domain/contacts/contact.js';
import type { ContactStore } from '../../../src/domain/ports/contact-store.port.js';
import { closeContainer } from '../../../src/infrastructure/container.js';
import { insertClient, sql, truncateAll } from '../../support/database.js';
import { makeTestContainer } from '../../support/test-container.js';

function contact(id: string, tags: [string, string][]): Contact {
  return {
    id,
    name: `Contato ${id}`,
    phone: null,
    email: `${id}@example.com`,
    tags: tags.map(([tagId, name]) => ({ id: tagId, name })),
    createdAt: new Date('2026-01-02T08:00:00.000Z'),
    updatedAt: new Date('2026-11-27T18:00:00.000Z'),
    raw: { id, unknownField: 'kept' },
  };
}

async function tagsOf(clientId: string): Promise<Record<string, string[]>> {
  const { rows } = await sql().query<{ contact: string; tag: string }>(
    `SELECT c.external_id AS contact, t.name AS tag FROM contact_tags ct
     JOIN contacts c ON c.id = ct.contact_id JOIN tags t ON t.id = ct.tag_id
     WHERE c.client_id = $1 ORDER BY 1, 2`,
    [clientId],
  );
  const result: Record<string, string[]> = {};
  for (const row of rows) (result[row.contact] ??= []).push(row.tag);
  return result;
}

describe('PgContactStore', () => {
  let container: DependencyContainer;
  let store: ContactStore;

  beforeEach(async () => {
    await truncateAll();
    ({ container } = makeTestContainer());
    store = container.resolve<ContactStore>(TOKENS.ContactStore);
  });
  afterEach(() => closeContainer(container));

  it('when a page is saved, then contacts, tags and links are stored once each, even when saved twice', async () => {
    const clientId = await insertClient({ slug: 'acme', apiBaseUrl: 'https://acme.example' });
    const page = [contact('c-1', [['t-3', 'VIP'], ['t-9', 'Atraso']]), contact('c-2', [['t-3', 'VIP']])];

    await store.savePage(clientId, page, 1);
    const saved = await store.savePage(clientId, page, 1);

    expect(saved).to.deep.equal({ contacts: 2, tags: 2 });
    expect(await tagsOf(clientId)).to.deep.equal({ 'c-1': ['Atraso', 'VIP'], 'c-2': ['VIP'] });
    const { rows } = await sql().query('SELECT external_id, raw, deleted_at FROM contacts ORDER BY external_id');
    expect(rows.map((r) => r.external_id)).to.deep.equal(['c-1', 'c-2']);
    expect(rows[0].raw).to.deep.equal({ id: 'c-1', unknownField: 'kept' });
    expect((await sql().query('SELECT count(*)::int AS n FROM tags')).rows[0].n).to.equal(2);
  });

  it('when a contact comes back with fewer tags, then its removed tags are unlinked', async () => {
    const clientId = await insertClient({ slug: 'acme', apiBaseUrl: 'https://acme.example' });
    await store.savePage(clientId, [contact('c-1', [['t-3', 'VIP'], ['t-9', 'Atraso']])], 1);

    await store.savePage(clientId, [contact('c-1', [['t-9', 'Atrasado']])], 2);

    expect(await tagsOf(clientId)).to.deep.equal({ 'c-1': ['Atrasado'] });
  });

  const deletedIds = async (clientId: string) =>
    (await sql().query<{ external_id: string }>('SELECT external_id FROM contacts WHERE client_id = $1 AND deleted_at IS NOT NULL ORDER BY 1', [clientId])).rows.map((r) => r.external_id);

  it('when contacts are marked deleted, then only the given ones still unseen in the pass are, and a reappearing one is restored', async () => {
    const clientId = await insertClient({ slug: 'acme', apiBaseUrl: 'https://acme.example' });
    await store.savePage(clientId, [contact('c-1', []), contact('c-2', []), contact('c-3', [])], 1);
    await store.savePage(clientId, [contact('c-1', [])], 2);

    const marked = await store.applyDeletions(clientId, 2, { delete: ['c-1', 'c-2', 'c-unknown'], hold: [], suspect: [] });
    const deletedBeforeReturn = await deletedIds(clientId);
    await store.savePage(clientId, [contact('c-2', [])], 3);

    expect(marked).to.equal(1);
    expect(deletedBeforeReturn).to.deep.equal(['c-2']);
    expect(await deletedIds(clientId)).to.deep.equal([]);
  });

  it('when a pass lists the unseen contacts, then it gets the live ones it did not see, each with how many seen contacts come before it in id order', async () => {
    const clientId = await insertClient({ slug: 'acme', apiBaseUrl: 'https://acme.example' });
    await store.savePage(clientId, ['c-01', 'c-02', 'c-03', 'c-04', 'c-05', 'c-06'].map((id) => contact(id, [])), 1);
    await store.applyDeletions(clientId, 2, { delete: ['c-06'], hold: [], suspect: [] });
    await store.savePage(clientId, [contact('c-01', []), contact('c-03', []), contact('c-04', [])], 2);

    const unseen = await store.listUnseen(clientId, 2);

    expect(unseen).to.have.deep.members([
      { id: 'c-02', seenBefore: 1, deletionHeld: false, deletionSuspected: false },
      { id: 'c-05', seenBefore: 3, deletionHeld: false, deletionSuspected: false },
    ]);
    expect(await store.countLive(clientId)).to.equal(5);
  });

  it('when deletions are held or suspected, then the contacts are flagged so for the later passes only, until they are seen again or deleted', async () => {
    const clientId = await insertClient({ slug: 'acme', apiBaseUrl: 'https://acme.example' });
    await store.savePage(clientId, ['c-1', 'c-2', 'c-3', 'c-4', 'c-5'].map((id) => contact(id, [])), 1);

    await store.applyDeletions(clientId, 1, { delete: [], hold: ['c-1'], suspect: ['c-2'] });
    await store.applyDeletions(clientId, 2, { delete: [], hold: ['c-1', 'c-2', 'c-3'], suspect: ['c-4', 'c-5'] });
    const sameRetriedPass = await store.listUnseen(clientId, 2);
    const nextPass = await store.listUnseen(clientId, 3);
    await store.savePage(clientId, [contact('c-1', []), contact('c-4', [])], 3);
    await store.applyDeletions(clientId, 3, { delete: ['c-2', 'c-5'], hold: [], suspect: [] });
    const { rows } = await sql().query('SELECT external_id, deletion_held_in_pass, deletion_suspected_in_pass FROM contacts WHERE client_id = $1 ORDER BY 1', [clientId]);

    // Pass 1 saw them all: it could neither hold nor suspect them.
    expect(sameRetriedPass.filter((c) => c.deletionHeld || c.deletionSuspected)).to.deep.equal([]);
    expect(nextPass.filter((c) => c.deletionHeld).map((c) => c.id).sort()).to.deep.equal(['c-1', 'c-2', 'c-3']);
    expect(nextPass.filter((c) => c.deletionSuspected).map((c) => c.id).sort()).to.deep.equal(['c-4', 'c-5']);
    expect(rows).to.deep.equal([
      { external_id: 'c-1', deletion_held_in_pass: null, deletion_suspected_in_pass: null },
      { external_id: 'c-2', deletion_held_in_pass: null, deletion_suspected_in_pass: null },
      { external_id: 'c-3', deletion_held_in_pass: 2, deletion_suspected_in_pass: null },
      { external_id: 'c-4', deletion_held_in_pass: null, deletion_suspected_in_pass: null },
      { external_id: 'c-5', deletion_held_in_pass: null, deletion_suspected_in_pass: null },
    ]);
    expect(await deletedIds(clientId)).to.deep.equal(['c-2', 'c-5']);
  });

  it('when a pass applies its deletions, then marking a suspected contact does not move its change position, and marking one deleted does', async () => {
    const clientId = await insertClient({ slug: 'acme', apiBaseUrl: 'https://acme.example' });
    await store.savePage(clientId, [contact('c-1', []), contact('c-2', [])], 1);
    const position = async (id: string) => (await sql().query<{ x: string }>('SELECT change_xid::text AS x FROM contacts WHERE external_id = $1', [id])).rows[0]!.x;
    const before = { suspected: await position('c-1'), deleted: await position('c-2') };

    await store.applyDeletions(clientId, 2, { delete: ['c-2'], hold: [], suspect: ['c-1'] });

    expect(await position('c-1')).to.equal(before.suspected);
    expect(await position('c-2')).to.not.equal(before.deleted);
  });

  it('when another client deletes contacts, then this client contacts are untouched', async () => {
    const acme = await insertClient({ slug: 'acme', apiBaseUrl: 'https://acme.example' });
    const globex = await insertClient({ slug: 'globex', apiBaseUrl: 'https://globex.example' });
    await store.savePage(acme, [contact('c-1', [['t-1', 'VIP']])], 1);
    await store.savePage(globex, [contact('c-1', [['t-1', 'Outro']])], 1);

    await store.applyDeletions(globex, 2, { delete: ['c-1'], hold: ['c-1'], suspect: ['c-1'] });

    expect(await tagsOf(acme)).to.deep.equal({ 'c-1': ['VIP'] });
    const { rows } = await sql().query('SELECT deleted_at, deletion_held_in_pass, deletion_suspected_in_pass FROM contacts WHERE client_id = $1', [acme]);
    expect(rows[0]).to.deep.equal({ deleted_at: null, deletion_held_in_pass: null, deletion_suspected_in_pass: null });
    expect(await deletedIds(globex)).to.deep.equal(['c-1']);
  });
});
