import { expect } from 'chai';
import { startPgBoss } from '../../src/infrastructure/jobs/start-pg-boss.js';
import { sql, testDatabaseUrl } from '../support/database.js';
import { recordingLogger } from '../support/recording-logger.js';
import { useRunningApp, type RunningApp } from '../support/running-app.js';

describe('Health and readiness probes', () => {
  const running = useRunningApp();
  let app: RunningApp;
  beforeEach(() => (app = running()));

  it('when the process is up, then GET /api/health answers 200 without a token', async () => {
    const response = await app.request('GET', '/api/health', { token: null });

    expect(response.status).to.equal(200);
    expect(await response.json()).to.deep.equal({ status: 'ok' });
  });

  it('when the database is migrated and the queue schema exists, then GET /api/ready answers 200 without a token', async () => {
    // The queue installs its schema when it first starts, as the service does.
    const boss = await startPgBoss(testDatabaseUrl(), recordingLogger());
    await boss.stop({ graceful: false, wait: true });

    const response = await app.request('GET', '/api/ready', { token: null });

    expect(response.status).to.equal(200);
    expect(await response.json()).to.deep.equal({ status: 'ready', checks: { database: true, migrations: true, queue: true } });
  });

  it('when a migration is missing, then GET /api/ready answers 503 naming the failing check', async () => {
    await sql().query(`UPDATE "_prisma_migrations" SET finished_at = NULL WHERE migration_name = (SELECT max(migration_name) FROM "_prisma_migrations")`);
    try {
      const response = await app.request('GET', '/api/ready', { token: null });

      expect(response.status).to.equal(503);
      expect((await response.json()).checks).to.include({ database: true, migrations: false });
    } finally {
      await sql().query(`UPDATE "_prisma_migrations" SET finished_at = now() WHERE finished_at IS NULL`);
    }
  });

  it('when the token is wrong, then the probes still answer and reveal nothing else', async () => {
    const health = await app.request('GET', '/api/health', { token: 'wrong' });
    const jobs = await app.request('GET', '/api/jobs', { token: 'wrong' });

    expect(health.status).to.equal(200);
    expect(jobs.status).to.equal(401);
  });
});
