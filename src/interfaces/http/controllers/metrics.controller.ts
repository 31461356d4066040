import type { Context } from 'koa';
import type { Registry } from 'prom-client';

/** Prometheus' scrape target. */
export class MetricsController {
  constructor(private readonly registry: Registry) {}

  scrape = async (ctx: Context) => {
    const text = await this.registry.metrics();
    ctx.type = this.registry.contentType;
    ctx.body = text;
  };
}
