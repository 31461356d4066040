import { expect } from 'chai';
import type { DependencyContainer } from 'tsyringe';
import { TOKENS } from '../../../src/application/tokens.js';
import type { JobRunStore } from '../../../src/domain/ports/job-run-store.port.js';
import { closeContainer } from '../../../src/infrastructure/container.js';
import { truncateAll } from '../../support/database.js';
import { makeTestContainer } from '../../support/test-container.js';

describe('PrismaJobRunStore', () => {
  let container: DependencyContainer;
  let runs: JobRunStore;

  beforeEach(async () => {
    await truncateAll();
    ({ container } = makeTestContainer());
    runs = container.resolve<JobRunStore>(TOKENS.JobRunStore);
  });
  afterEach(() => closeContainer(container));

  it('when 20 triggers for one target arrive at once, then exactly one queued run is created and all point at it', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => runs.enqueue('import', 'acme')));

    expect(new Set(results.map((r) => r.run.id)).size).to.equal(1);
    expect(results.filter((r) => !r.coalesced)).to.have.length(1);
  });

  it('when the queued run starts, then the next trigger creates a new queued run', async () => {
    const first = await runs.enqueue('import', 'acme');
    const claimed = await runs.claim(first.run.id);

    const second = await runs.enqueue('import', 'acme');

    expect(claimed?.status).to.equal('running');
    expect(claimed?.startedAt).to.be.instanceOf(Date);
    expect(second.coalesced).to.equal(false);
    expect(second.run.id).to.not.equal(first.run.id);
    expect(await runs.claim(first.run.id)).to.equal(null);
  });

  it('when triggers differ in kind or slug, then they do not coalesce', async () => {
    const a = await runs.enqueue('import', 'acme');
    const b = await runs.enqueue('contacts-sync', 'acme');
    const c = await runs.enqueue('import', 'all');

    expect(new Set([a.run.id, b.run.id, c.run.id]).size).to.equal(3);
  });

  it('when a run finishes, then its status, stats, error and finish time are stored', async () => {
    const { run } = await runs.enqueue('import', 'acme');
    await runs.claim(run.id);
    const stats = { acme: { status: 'failed' as const, pages: 1, upstreamRequests: 3, retries: 2, rateLimited: 0, cursorBefore: null, cursorAfter: null, error: 'boom' } };

    await runs.finish(run.id, 'failed', stats, 'acme: boom');

    const stored = await runs.findById(run.id);
    expect(stored).to.include({ status: 'failed', error: 'acme: boom', kind: 'import', slug: 'acme' });
    expect(stored?.stats).to.deep.equal(stats);
    expect(stored?.finishedAt).to.be.instanceOf(Date);
  });
});
