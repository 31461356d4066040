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

  it('when a pass ends, then contacts it did not see are marked deleted, and a reappearing one is restored', async () => {
    const clientId = await insertClient({ slug: 'acme', apiBaseUrl: 'https://acme.example' });
    await store.savePage(clientId, [contact('c-1', []), contact('c-2', [])], 1);
    await store.savePage(clientId, [contact('c-1', [])], 2);

    const marked = await store.markUnseenDeleted(clientId, 2);
    await store.savePage(clientId, [contact('c-1', []), contact('c-2', [])], 3);
    const deletedAfterReturn = await sql().query('SELECT external_id FROM contacts WHERE deleted_at IS NOT NULL');

    expect(marked).to.equal(1);
    expect(deletedAfterReturn.rows).to.deep.equal([]);
  });

  it('when another client runs a pass, then this client contacts are untouched', async () => {
    const acme = await insertClient({ slug: 'acme', apiBaseUrl: 'https://acme.example' });
    const globex = await insertClient({ slug: 'globex', apiBaseUrl: 'https://globex.example' });
    await store.savePage(acme, [contact('c-1', [['t-1', 'VIP']])], 1);
    await store.savePage(globex, [contact('c-1', [['t-1', 'Outro']])], 1);

    await store.markUnseenDeleted(globex, 2);

    expect(await tagsOf(acme)).to.deep.equal({ 'c-1': ['VIP'] });
    const { rows } = await sql().query('SELECT deleted_at FROM contacts WHERE client_id = $1', [acme]);
    expect(rows[0].deleted_at).to.equal(null);
  });
});
