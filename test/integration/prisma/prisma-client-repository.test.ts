import { expect } from 'chai';
import type { DependencyContainer } from 'tsyringe';
import { TOKENS } from '../../../src/application/tokens.js';
import { DuplicateSlugError } from '../../../src/domain/errors.js';
import type { ClientRepository } from '../../../src/domain/ports/client-repository.port.js';
import type { CursorStore } from '../../../src/domain/ports/cursor-store.port.js';
import { closeContainer } from '../../../src/infrastructure/container.js';
import { insertClient, sql, truncateAll } from '../../support/database.js';
import { makeTestContainer } from '../../support/test-container.js';

describe('PrismaClientRepository and PrismaCursorStore', () => {
  let container: DependencyContainer;
  let clients: ClientRepository;

  beforeEach(async () => {
    await truncateAll();
    ({ container } = makeTestContainer());
    clients = container.resolve<ClientRepository>(TOKENS.ClientRepository);
  });
  afterEach(() => closeContainer(container));

  it('when a slug is registered twice, then the second fails with DuplicateSlugError', async () => {
    await clients.create({ slug: 'acme', name: 'Acme', apiBaseUrl: 'https://a.example', apiToken: 'secret-1' });

    const error = await clients.create({ slug: 'acme', name: 'Other', apiBaseUrl: 'https://b.example', apiToken: 'secret-2' }).catch((e: unknown) => e);

    expect(error).to.be.instanceOf(DuplicateSlugError);
    expect(String((error as Error).message)).to.not.include('secret');
  });

  it('when a client is registered with a rate plan, then it reads back; an update changes it, null resets it, and other changes keep it', async () => {
    const created = await clients.create({ slug: 'acme', name: 'Acme', apiBaseUrl: 'https://a.example', apiToken: 'secret-1', requestsPerMinute: 120 });
    const renamed = await clients.update('acme', { name: 'Acme Inc' });
    const raised = await clients.update('acme', { requestsPerMinute: 700 });
    const reset = await clients.update('acme', { requestsPerMinute: null });
    const plain = await clients.create({ slug: 'plain', name: 'Plain', apiBaseUrl: 'https://p.example', apiToken: 'secret-2' });

    expect(created.requestsPerMinute).to.equal(120);
    expect(renamed?.requestsPerMinute).to.equal(120);
    expect(raised?.requestsPerMinute).to.equal(700);
    expect(reset?.requestsPerMinute).to.equal(null);
    expect(plain.requestsPerMinute).to.equal(null);
  });

  it('when requests_per_minute is set with plain SQL, then the repository reads it', async () => {
    await insertClient({ slug: 'by-hand', apiBaseUrl: 'https://h.example' });

    await sql().query('UPDATE clients SET requests_per_minute = 120 WHERE slug = $1', ['by-hand']);

    expect((await clients.findBySlug('by-hand'))?.requestsPerMinute).to.equal(120);
    expect((await clients.listActive())[0]?.requestsPerMinute).to.equal(120);
  });

  it('when a client inserted by plain SQL is read, then it behaves like one registered through the service', async () => {
    await insertClient({ slug: 'by-hand', apiBaseUrl: 'https://h.example', active: false });

    const found = await clients.findBySlug('by-hand');
    const active = await clients.listActive();

    expect(found).to.include({ slug: 'by-hand', active: false, apiBaseUrl: 'https://h.example' });
    expect(active).to.deep.equal([]);
  });

  it('when a client is updated, then its fields change and updated_at moves forward', async () => {
    const created = await clients.create({ slug: 'acme', name: 'Acme', apiBaseUrl: 'https://a.example', apiToken: 'secret-1' });
    await new Promise((r) => setTimeout(r, 5));

    const updated = await clients.update('acme', { active: false, name: 'Acme Ltda' });
    const missing = await clients.update('nobody', { active: false });

    expect(updated).to.include({ active: false, name: 'Acme Ltda' });
    expect(updated!.updatedAt.getTime()).to.be.greaterThan(created.updatedAt.getTime());
    expect(missing).to.equal(null);
  });

  it('when a cursor is set twice, then the last value is read back and only one row exists', async () => {
    const cursors = container.resolve<CursorStore>(TOKENS.CursorStore);
    const clientId = await insertClient({ slug: 'acme', apiBaseUrl: 'https://a.example' });

    await cursors.set(clientId, 'tickets:lastImportAt', '2026-11-28T10:00:00.000Z');
    await cursors.set(clientId, 'tickets:lastImportAt', '2026-11-28T11:00:00.000Z');

    expect(await cursors.get(clientId, 'tickets:lastImportAt')).to.equal('2026-11-28T11:00:00.000Z');
    expect(await cursors.get(clientId, 'contacts:page')).to.equal(null);
    expect((await sql().query('SELECT count(*)::int AS n FROM sync_cursors')).rows[0].n).to.equal(1);
  });
});
