import { expect } from 'chai';
import { generateDataset } from '../../tools/upstream-simulator/dataset.js';
import { UpstreamSimulator } from '../../tools/upstream-simulator/simulator.js';
import { startService, type ServiceProcess } from '../../tools/shared/service-process.js';
import { insertClient, sql, testDatabaseUrl, truncateAll } from '../support/database.js';
import { startPgBoss } from '../../src/infrastructure/jobs/start-pg-boss.js';
import { recordingLogger } from '../support/recording-logger.js';
import { waitFor } from '../support/wait-for.js';

const ADMIN_TOKEN = 'scheduled-runs-admin-token-0123456789';
const TIMEZONE = 'America/Sao_Paulo';

/** A yearly tick that never comes while the suite runs: the test delivers its tick itself, as the timekeeper would. */
const CRON = '0 4 1 1 *';

const scheduledRuns = async () => (await sql().query(`SELECT id, kind, slug, status, trigger FROM job_runs WHERE trigger = 'schedule' ORDER BY requested_at`)).rows;

describe('Scheduled runs (IMPORT_CRON, CONTACTS_SYNC_CRON) across instances', function () {
  this.timeout(120_000);
  let simulator: UpstreamSimulator;
  const services: ServiceProcess[] = [];

  beforeEach(async () => {
    await truncateAll();
    simulator = new UpstreamSimulator({ latencyMs: 5 });
  });
  afterEach(async () => {
    await Promise.all(services.splice(0).map((s) => s.kill()));
    await simulator.close();
  });

  it('when a cron tick is delivered twice with two instances running, then exactly one run starts, recorded as scheduled, and imports every active client', async () => {
    simulator.addAccount('tok-acme', 'acme', generateDataset(1, { tickets: 30, messagesPerTicket: 1, contacts: 0 }));
    const clientId = await insertClient({ slug: 'acme', apiBaseUrl: await simulator.listen(), apiToken: 'tok-acme' });
    const env = {
      DATABASE_URL: testDatabaseUrl(),
      PORT: '0',
      ADMIN_TOKEN,
      DATA_DIR: '/tmp/helpdesk-importer-scheduled-tests',
      JOB_POLL_INTERVAL_SECONDS: '0.5',
      IMPORT_CRON: CRON,
      CRON_TIMEZONE: TIMEZONE,
    };
    services.push(startService(env), startService(env));
    const [port] = await Promise.all(services.map((s) => s.listening));
    await Promise.all(services.map((s) => s.working));

    // The timekeeper's message for the schedule, sent twice (as it may near a minute boundary,
    // its clock and the slot disagreeing): both name the same tick.
    const boss = await startPgBoss(testDatabaseUrl(), recordingLogger());
    await boss.send('scheduled-import', { kind: 'import', cron: CRON, timezone: TIMEZONE });
    await boss.send('scheduled-import', { kind: 'import', cron: CRON, timezone: TIMEZONE });
    await boss.stop({ graceful: false, wait: true });
    const [run] = await waitFor(async () => {
      const rows = await scheduledRuns();
      return rows[0]?.status === 'succeeded' ? rows : null;
    }, 'the scheduled run to finish');
    // Nothing of the schedule is left to happen: both deliveries and the one tick they made are done.
    await waitFor(
      async () => {
        const { rows } = await sql().query(`SELECT name, state FROM pgboss.job WHERE name IN ('scheduled-import', 'scheduled-run-tick')`);
        return rows.filter((r) => r.name === 'scheduled-import' && r.state === 'completed').length === 2 && rows.every((r) => r.state === 'completed') ? rows : null;
      },
      'both deliveries and their tick to be handled',
    );
    const { rows: ticks } = await sql().query(`SELECT count(*)::int AS ticks FROM pgboss.job WHERE name = 'scheduled-run-tick'`);

    expect(ticks[0].ticks).to.equal(1);
    expect(await scheduledRuns()).to.deep.equal([run]);
    expect(run).to.include({ kind: 'import', slug: 'all', status: 'succeeded', trigger: 'schedule' });
    const { rows } = await sql().query('SELECT count(*)::int AS tickets FROM tickets WHERE client_id = $1', [clientId]);
    expect(rows[0].tickets).to.equal(30);
    const listed = await fetch(`http://127.0.0.1:${port}/api/jobs?trigger=schedule`, { headers: { 'x-admin-token': ADMIN_TOKEN } });
    const { jobs } = (await listed.json()) as { jobs: { id: string; trigger: string }[] };
    expect(jobs.map((job) => [job.id, job.trigger])).to.deep.equal([[run.id, 'schedule']]);
    expect(services.map((s) => s.output()).join('')).to.include(`"cron":"${CRON}"`);
    const { rows: schedules } = await sql().query(`SELECT cron, timezone FROM pgboss.schedule WHERE name = 'scheduled-import'`);
    expect(schedules).to.deep.equal([{ cron: CRON, timezone: TIMEZONE }]);
  });

  it('when the cron variable is removed, then the next start unschedules it', async () => {
    const env = { DATABASE_URL: testDatabaseUrl(), PORT: '0', ADMIN_TOKEN, DATA_DIR: '/tmp/helpdesk-importer-scheduled-tests', JOB_POLL_INTERVAL_SECONDS: '0.5' };
    const first = startService({ ...env, CONTACTS_SYNC_CRON: '0 4 * * *' });
    services.push(first);
    await first.working;
    const schedules = async () => (await sql().query(`SELECT name, cron, timezone FROM pgboss.schedule WHERE name LIKE 'scheduled-%' ORDER BY name`)).rows;
    expect(await schedules()).to.deep.equal([{ name: 'scheduled-contacts-sync', cron: '0 4 * * *', timezone: 'UTC' }]);
    await first.kill();

    const second = startService(env);
    services.push(second);
    await second.working;

    expect(await schedules()).to.deep.equal([]);
  });
});
