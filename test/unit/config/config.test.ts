import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../../src/infrastructure/config.js';

function problemOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('Configuration of the operations features', () => {
  it('when RECONCILE_SAMPLE is unset, then a reconcile samples 20 tickets; a value that is not a whole number ≥ 0 stops startup naming it', () => {
    expect(loadConfig({}).reconcileSample).to.equal(20);
    expect(loadConfig({ RECONCILE_SAMPLE: '0' }).reconcileSample).to.equal(0);
    expect(problemOf({ RECONCILE_SAMPLE: 'many' })).to.include('RECONCILE_SAMPLE');
    // Each sampled ticket is one upstream request: the sample is bounded.
    expect(problemOf({ RECONCILE_SAMPLE: '1001' })).to.include('RECONCILE_SAMPLE');
    expect(loadConfig({ RECONCILE_SAMPLE: '1000' }).reconcileSample).to.equal(1000);
    expect(problemOf({ RECONCILE_SAMPLE: '-1' })).to.include('RECONCILE_SAMPLE');
  });

  it('when no schedule is set, then no recurring run is configured and cron times are read in UTC', () => {
    expect(loadConfig({}).jobs.schedules).to.deep.equal({ import: null, contactsSync: null, timezone: 'UTC' });
  });

  it('when both crons and a time zone are set, then they are kept as given', () => {
    const config = loadConfig({ IMPORT_CRON: '*/15 * * * *', CONTACTS_SYNC_CRON: '0 3 * * 1-5', CRON_TIMEZONE: 'America/Sao_Paulo' });

    expect(config.jobs.schedules).to.deep.equal({ import: '*/15 * * * *', contactsSync: '0 3 * * 1-5', timezone: 'America/Sao_Paulo' });
  });

  it('when a cron expression is invalid, then startup names the variable and why', () => {
    expect(problemOf({ IMPORT_CRON: '61 * * * *' })).to.include('IMPORT_CRON: is not a valid cron expression');
    expect(problemOf({ CONTACTS_SYNC_CRON: 'every day' })).to.include('CONTACTS_SYNC_CRON: must have five fields');
  });

  it('when a cron has a seconds field, then it is refused rather than silently fired once a minute', () => {
    expect(problemOf({ IMPORT_CRON: '*/10 * * * * *' })).to.include('IMPORT_CRON: must have five fields');
  });

  it('when the time zone is unknown, then startup says which names are accepted', () => {
    expect(problemOf({ CRON_TIMEZONE: 'Mars/Olympus' })).to.include('CRON_TIMEZONE: must be an IANA time zone');
  });

  it('when METRICS_TOKEN is short, then it is refused; when unset, the metrics are open', () => {
    expect(problemOf({ METRICS_TOKEN: 'short' })).to.include('METRICS_TOKEN: must be at least 16 characters');
    expect(loadConfig({}).metricsToken).to.equal(undefined);
  });

  it('when LOG_FORMAT is set, then it wins; unset outside a development terminal, logs are JSON lines', () => {
    expect(loadConfig({ LOG_FORMAT: 'pretty' }).logFormat).to.equal('pretty');
    expect(loadConfig({ NODE_ENV: 'test' }).logFormat).to.equal('json');
    expect(problemOf({ LOG_FORMAT: 'xml' })).to.include('LOG_FORMAT: must be json or pretty');
  });

  it('when CONTACTS_DELETE_GUARD is unset, then the guard holds more than a fifth; set in [0, 1], then it is kept', () => {
    expect(loadConfig({}).contacts).to.deep.equal({ deleteGuard: 0.2 });
    expect(loadConfig({ CONTACTS_DELETE_GUARD: '1' }).contacts).to.deep.equal({ deleteGuard: 1 });
    expect(loadConfig({ CONTACTS_DELETE_GUARD: '0' }).contacts).to.deep.equal({ deleteGuard: 0 });
    expect(loadConfig({ CONTACTS_DELETE_GUARD: '0.05' }).contacts).to.deep.equal({ deleteGuard: 0.05 });
  });

  it('when CONTACTS_DELETE_GUARD is not a number in [0, 1], then startup names it and says what it takes', () => {
    for (const value of ['abc', '1.5', '-0.1', '20%']) {
      expect(problemOf({ CONTACTS_DELETE_GUARD: value }), value).to.include('CONTACTS_DELETE_GUARD: must be a number between 0 and 1, such as 0.2 (1 turns the guard off)');
    }
  });
});
