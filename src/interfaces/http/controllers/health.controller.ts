import type { Context } from 'koa';
import { inject, injectable } from 'tsyringe';
import { CheckReadinessUseCase } from '../../../application/health/check-readiness.use-case.js';

/** Probes for load balancers and orchestrators: no token, no secrets. */
@injectable()
export class HealthController {
  constructor(@inject(CheckReadinessUseCase) private readonly checkReadiness: CheckReadinessUseCase) {}

  /** The process is alive and serving HTTP. */
  health = (ctx: Context) => {
    ctx.body = { status: 'ok' };
  };

  /** The service can do its work: 503 while its database, migrations or queue are not there. */
  ready = async (ctx: Context) => {
    const report = await this.checkReadiness.execute();
    ctx.status = report.ready ? 200 : 503;
    ctx.body = { status: report.ready ? 'ready' : 'not_ready', checks: report.checks };
  };
}
