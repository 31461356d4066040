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

/**
 * A cron expression whose tick is the current minute in `timezone` (waiting for the next
 * minute first when too little of this one is left for two services to start and see it).
 */
async function cronForThisMinute(timezone: string): Promise<string> {
  if (new Date().getSeconds() > 35) await new Promise((resolve) => setTimeout(resolve, (61 - new Date().getSeconds()) * 1000));
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: timezone, hour: 'numeric', minute: 'numeric', hourCycle: 'h23' }).formatToParts(new Date());
  const field = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return `${field('minute')} ${field('hour')} * * *`;
}

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

  it('when a cron tick comes with two instances running, and is even delivered twice, then exactly one run starts, recorded as scheduled, and imports every active client', async () => {
    simulator.addAccount('tok-acme', 'acme', generateDataset(1, { tickets: 30, messagesPerTicket: 1, contacts: 0 }));
    const clientId = await insertClient({ slug: 'acme', apiBaseUrl: await simulator.listen(), apiToken: 'tok-acme' });
    const cron = await cronForThisMinute(TIMEZONE);
    const env = {
      DATABASE_URL: testDatabaseUrl(),
      PORT: '0',
      ADMIN_TOKEN,
      DATA_DIR: '/tmp/helpdesk-importer-scheduled-tests',
      JOB_POLL_INTERVAL_SECONDS: '0.5',
      IMPORT_CRON: cron,
      CRON_TIMEZONE: TIMEZONE,
    };

    services.push(startService(env), startService(env));
    const [port] = await Promise.all(services.map((s) => s.listening));
    const [run] = await waitFor(async () => {
      const rows = await scheduledRuns();
      return rows[0]?.status === 'succeeded' ? rows : null;
    }, 'the scheduled run to finish');
    // The timekeeper sending the same tick again (its clock and the minute slot disagreeing
    // near a boundary), while both instances keep checking the schedule within the tick.
    const boss = await startPgBoss(testDatabaseUrl(), recordingLogger());
    await boss.send('scheduled-import', { kind: 'import', cron, timezone: TIMEZONE });
    await boss.stop({ graceful: false, wait: true });
    await waitFor(async () => (await sql().query(`SELECT 1 FROM pgboss.job WHERE name = 'scheduled-import' AND state = 'completed'`)).rows.length >= 2, 'the duplicate to be handled');
    await new Promise((resolve) => setTimeout(resolve, 3_000));

    expect(await scheduledRuns()).to.deep.equal([run]);
    expect(run).to.include({ kind: 'import', slug: 'all', status: 'succeeded', trigger: 'schedule' });
    const { rows } = await sql().query('SELECT count(*)::int AS tickets FROM tickets WHERE client_id = $1', [clientId]);
    expect(rows[0].tickets).to.equal(30);
    const listed = await fetch(`http://127.0.0.1:${port}/api/jobs?trigger=schedule`, { headers: { 'x-admin-token': ADMIN_TOKEN } });
    const { jobs } = (await listed.json()) as { jobs: { id: string; trigger: string }[] };
    expect(jobs.map((job) => [job.id, job.trigger])).to.deep.equal([[run.id, 'schedule']]);
    expect(services.map((s) => s.output()).join('')).to.include(`"cron":"${cron}"`);
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
