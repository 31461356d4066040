import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { DependencyContainer } from 'tsyringe';
import { TOKENS } from '../../../src/application/tokens.js';
import type { ClientRepository } from '../../../src/domain/ports/client-repository.port.js';
import { buildContainer, closeContainer, reencryptClientTokens } from '../../../src/infrastructure/container.js';
import { insertClient, sql, testDatabaseUrl, truncateAll } from '../../support/database.js';
import { recordingLogger } from '../../support/recording-logger.js';
import { testUpstreamConfig } from '../../support/test-container.js';

function containerWith(current: Buffer | null, previous: Buffer[] = []): DependencyContainer {
  return buildContainer({
    databaseUrl: testDatabaseUrl(),
    importStartAt: null,
    upstream: testUpstreamConfig(),
    jobs: { workerConcurrency: 1, historyDays: 90 },
    logger: recordingLogger(),
    encryption: { current, previous },
  });
}

const storedToken = async (slug: string) => (await sql().query<{ api_token: string }>('SELECT api_token FROM clients WHERE slug = $1', [slug])).rows[0]!.api_token;

describe('Client API tokens encrypted at rest (ENCRYPTION_KEY)', () => {
  const keyA = randomBytes(32);
  const keyB = randomBytes(32);
  const containers: DependencyContainer[] = [];
  const open = (current: Buffer | null, previous: Buffer[] = []) => {
    const c = containerWith(current, previous);
    containers.push(c);
    return { c, clients: c.resolve<ClientRepository>(TOKENS.ClientRepository) };
  };

  beforeEach(() => truncateAll());
  afterEach(async () => {
    await Promise.all(containers.splice(0).map((c) => closeContainer(c)));
  });

  it('when a key is set, then the database holds ciphertext and the service reads the token', async () => {
    const { clients } = open(keyA);

    await clients.create({ slug: 'acme', name: 'Acme', apiBaseUrl: 'https://a.example', apiToken: 'acme-secret-token' });

    expect(await storedToken('acme')).to.match(/^enc:v1:/).and.not.include('acme-secret-token');
    expect((await clients.findBySlug('acme'))!.apiToken).to.equal('acme-secret-token');
  });

  it('when a row was inserted by plain SQL, then it keeps working, and is encrypted by the startup pass', async () => {
    await insertClient({ slug: 'by-hand', apiBaseUrl: 'https://h.example', apiToken: 'plain-token' });
    const { c, clients } = open(keyA);

    expect((await clients.findBySlug('by-hand'))!.apiToken).to.equal('plain-token');
    expect(await reencryptClientTokens(c)).to.equal(1);
    expect(await storedToken('by-hand')).to.match(/^enc:v1:/);
    expect((await clients.findBySlug('by-hand'))!.apiToken).to.equal('plain-token');
  });

  it('when the key rotates, then old rows stay readable with the previous key and the startup pass moves them to the new key', async () => {
    await open(keyA).clients.create({ slug: 'acme', name: 'Acme', apiBaseUrl: 'https://a.example', apiToken: 'acme-secret-token' });
    const underA = await storedToken('acme');
    const { c, clients } = open(keyB, [keyA]);

    expect((await clients.findBySlug('acme'))!.apiToken).to.equal('acme-secret-token');
    expect(await reencryptClientTokens(c)).to.equal(1);
    expect(await storedToken('acme')).to.not.equal(underA);
    expect((await open(keyB).clients.findBySlug('acme'))!.apiToken).to.equal('acme-secret-token');
  });
});
