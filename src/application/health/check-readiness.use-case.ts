import { inject, injectable } from 'tsyringe';
import type { Readiness, ReadinessCheck } from '../../domain/ports/readiness-check.port.js';
import { TOKENS } from '../tokens.js';

export interface ReadinessReport {
  ready: boolean;
  checks: Readiness;
}

/** Ready only when the database answers, every migration is applied and the job queue is there. */
@injectable()
export class CheckReadinessUseCase {
  constructor(@inject(TOKENS.ReadinessCheck) private readonly readiness: ReadinessCheck) {}

  async execute(): Promise<ReadinessReport> {
    const checks = await this.readiness.check();
    return { ready: checks.database && checks.migrations && checks.queue, checks };
  }
}
