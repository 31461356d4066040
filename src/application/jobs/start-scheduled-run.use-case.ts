import { inject, injectable } from 'tsyringe';
import { ALL_CLIENTS, type JobKind } from '../../domain/jobs/job-run.js';
import type { Logger } from '../../domain/ports/logger.port.js';
import { TOKENS } from '../tokens.js';
import { StartJobUseCase, type StartJobResult } from './start-job.use-case.js';

/**
 * A tick of a recurring schedule (IMPORT_CRON, CONTACTS_SYNC_CRON): the same run a trigger for
 * all active clients starts, recorded as scheduled (or joining the run of that kind already queued).
 */
@injectable()
export class StartScheduledRunUseCase {
  constructor(
    @inject(StartJobUseCase) private readonly startJob: StartJobUseCase,
    @inject(TOKENS.Logger) private readonly logger: Logger,
  ) {}

  async execute(kind: JobKind, tick: Date): Promise<StartJobResult> {
    const result = await this.startJob.execute(kind, ALL_CLIENTS, 'schedule');
    this.logger.info({ jobId: result.run.id, kind, tick: tick.toISOString(), coalesced: result.coalesced }, 'cron tick: run requested');
    return result;
  }
}
