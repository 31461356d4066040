import type { Context } from 'koa';
import { inject, injectable } from 'tsyringe';
import { INFRA_TOKENS } from '../../../infrastructure/infra-tokens.js';
import type { ImporterMetrics } from '../../../infrastructure/metrics/importer-metrics.js';

/** Prometheus' scrape target. */
@injectable()
export class MetricsController {
  constructor(@inject(INFRA_TOKENS.Metrics) private readonly metrics: ImporterMetrics) {}

  scrape = async (ctx: Context) => {
    const text = await this.metrics.registry.metrics();
    ctx.type = this.metrics.registry.contentType;
    ctx.body = text;
  };
}
