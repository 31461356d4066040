import { expect } from 'chai';
import { StartJobUseCase } from '../../../src/application/jobs/start-job.use-case.js';
import { StartScheduledRunUseCase } from '../../../src/application/jobs/start-scheduled-run.use-case.js';
import { InMemoryJobRunStore } from '../../fakes/in-memory-job-run-store.js';
import { RecordingJobScheduler } from '../../fakes/recording-job-scheduler.js';
import { recordingLogger } from '../../support/recording-logger.js';

function makeSut() {
  const runs = new InMemoryJobRunStore();
  const scheduler = new RecordingJobScheduler();
  const logger = recordingLogger();
  const sut = new StartScheduledRunUseCase(new StartJobUseCase(runs, scheduler), logger);
  return { sut, runs, scheduler, logger };
}

const TICK = new Date('2026-11-29T06:00:00.000Z');

describe('StartScheduledRunUseCase', () => {
  it('when a tick comes, then a run of that kind for all clients is queued, recorded as scheduled, and the tick is logged with its job id', async () => {
    const { sut, runs, scheduler, logger } = makeSut();

    const { run } = await sut.execute('contacts-sync', TICK);

    expect(runs.run(run.id)).to.include({ kind: 'contacts-sync', slug: 'all', status: 'queued', trigger: 'schedule' });
    expect(scheduler.scheduledRuns).to.deep.equal([run.id]);
    expect(logger.lines.map((line) => [line.message, line.fields])).to.deep.equal([
      ['cron tick: run requested', { jobId: run.id, kind: 'contacts-sync', tick: TICK.toISOString(), coalesced: false }],
    ]);
  });

  it('when a run of that kind for all clients is already queued, then the tick joins it and it stays as it was asked for', async () => {
    const { sut, runs, scheduler } = makeSut();
    const asked = await runs.enqueue('import', 'all', 'manual');

    const { run, coalesced } = await sut.execute('import', TICK);

    expect(coalesced).to.equal(true);
    expect(run.id).to.equal(asked.run.id);
    expect(runs.run(run.id).trigger).to.equal('manual');
    expect(scheduler.scheduledRuns).to.deep.equal([]);
  });
});
