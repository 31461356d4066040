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

    const marked = await store.markDeleted(clientId, ['c-1', 'c-2', 'c-unknown'], 2);
    const deletedBeforeReturn = await deletedIds(clientId);
    await store.savePage(clientId, [contact('c-2', [])], 3);

    expect(marked).to.equal(1);
    expect(deletedBeforeReturn).to.deep.equal(['c-2']);
    expect(await deletedIds(clientId)).to.deep.equal([]);
  });

  it('when a pass lists the unseen contacts, then it gets the live ones it did not see, each with how many seen contacts come before it in id order', async () => {
    const clientId = await insertClient({ slug: 'acme', apiBaseUrl: 'https://acme.example' });
    await store.savePage(clientId, ['c-01', 'c-02', 'c-03', 'c-04', 'c-05', 'c-06'].map((id) => contact(id, [])), 1);
    await store.markDeleted(clientId, ['c-06'], 2);
    await store.savePage(clientId, [contact('c-01', []), contact('c-03', []), contact('c-04', [])], 2);

    const unseen = await store.listUnseen(clientId, 2);

    expect(unseen).to.have.deep.members([
      { id: 'c-02', seenBefore: 1, deletionHeld: false },
      { id: 'c-05', seenBefore: 3, deletionHeld: false },
    ]);
    expect(await store.countLive(clientId)).to.equal(5);
  });

  it('when deletions are held, then the contacts are flagged held until they are seen again or deleted', async () => {
    const clientId = await insertClient({ slug: 'acme', apiBaseUrl: 'https://acme.example' });
    await store.savePage(clientId, [contact('c-1', []), contact('c-2', []), contact('c-3', [])], 1);

    await store.holdDeletion(clientId, ['c-1', 'c-2', 'c-3'], 1);
    const heldWhileSeen = await store.listUnseen(clientId, 2);
    await store.holdDeletion(clientId, ['c-1', 'c-2'], 2);
    const held = await store.listUnseen(clientId, 3);
    await store.savePage(clientId, [contact('c-1', [])], 3);
    await store.markDeleted(clientId, ['c-2'], 3);
    const { rows } = await sql().query('SELECT external_id, deletion_held_in_pass FROM contacts WHERE client_id = $1 ORDER BY 1', [clientId]);

    expect(heldWhileSeen.map((c) => c.deletionHeld)).to.deep.equal([false, false, false]);
    expect(held.filter((c) => c.deletionHeld).map((c) => c.id).sort()).to.deep.equal(['c-1', 'c-2']);
    expect(rows).to.deep.equal([
      { external_id: 'c-1', deletion_held_in_pass: null },
      { external_id: 'c-2', deletion_held_in_pass: null },
      { external_id: 'c-3', deletion_held_in_pass: null },
    ]);
    expect(await deletedIds(clientId)).to.deep.equal(['c-2']);
  });

  it('when another client deletes contacts, then this client contacts are untouched', async () => {
    const acme = await insertClient({ slug: 'acme', apiBaseUrl: 'https://acme.example' });
    const globex = await insertClient({ slug: 'globex', apiBaseUrl: 'https://globex.example' });
    await store.savePage(acme, [contact('c-1', [['t-1', 'VIP']])], 1);
    await store.savePage(globex, [contact('c-1', [['t-1', 'Outro']])], 1);

    await store.markDeleted(globex, ['c-1'], 2);
    await store.holdDeletion(globex, ['c-1'], 2);

    expect(await tagsOf(acme)).to.deep.equal({ 'c-1': ['VIP'] });
    const { rows } = await sql().query('SELECT deleted_at, deletion_held_in_pass FROM contacts WHERE client_id = $1', [acme]);
    expect(rows[0]).to.deep.equal({ deleted_at: null, deletion_held_in_pass: null });
    expect(await deletedIds(globex)).to.deep.equal(['c-1']);
  });
});
