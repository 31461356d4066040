import type { Context } from 'koa';
import { inject, injectable } from 'tsyringe';
import { ListWebhookDeliveriesUseCase } from '../../../application/webhooks/list-webhook-deliveries.use-case.js';
import { RedeliverWebhookUseCase } from '../../../application/webhooks/redeliver-webhook.use-case.js';
import { HttpError } from '../http-error.js';
import { webhookDeliveryIdSchema, webhookDeliveryListQuerySchema } from '../schemas/webhook-delivery.schemas.js';
import { toWebhookDeliveryView } from './webhook-delivery.view.js';

/** The webhook outbox: what was sent to which receiver, and sending one again. */
@injectable()
export class WebhooksController {
  constructor(
    @inject(ListWebhookDeliveriesUseCase) private readonly listDeliveries: ListWebhookDeliveriesUseCase,
    @inject(RedeliverWebhookUseCase) private readonly redeliverWebhook: RedeliverWebhookUseCase,
  ) {}

  list = async (ctx: Context) => {
    const parsed = webhookDeliveryListQuerySchema.safeParse(ctx.query);
    if (!parsed.success) {
      const problem = parsed.error.issues[0]!;
      const unknown = problem.code === 'unrecognized_keys';
      throw new HttpError(400, 'invalid_query', `${unknown ? problem.keys.join(', ') : problem.path.join('.')}: ${unknown ? 'is not a known parameter' : problem.message}`);
    }
    const { status, event, limit } = parsed.data;
    ctx.body = { deliveries: (await this.listDeliveries.execute({ status, eventType: event, limit })).map(toWebhookDeliveryView) };
  };

  redeliver = async (ctx: Context) => {
    const id = ctx.params.id;
    if (!webhookDeliveryIdSchema.safeParse(id).success) throw new HttpError(400, 'invalid_delivery_id', 'delivery id must be a UUID');
    ctx.status = 202;
    ctx.body = toWebhookDeliveryView(await this.redeliverWebhook.execute(id!));
  };
}
