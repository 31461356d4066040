import { webhookDeliveryIdSchema, webhookDeliveryListQuerySchema } from '../../schemas/webhook-delivery.schemas.js';
import { inlineSchema, schemaRef } from '../component-schemas.js';
import type { JsonSchema, Parameter, Paths } from '../openapi-types.js';
import { adminResponses, jsonResponse, requestIdParameter } from '../shared-components.js';

/** Keyed by the query schema's fields, so that a new filter cannot go undocumented. */
const LIST_PARAMETERS: Record<keyof typeof webhookDeliveryListQuerySchema.shape, string> = {
  status: 'Only deliveries in this status.',
  event: 'Only deliveries of this event type.',
  limit: 'How many deliveries, newest first.',
};

const query = inlineSchema(webhookDeliveryListQuerySchema) as { properties: Record<string, JsonSchema>; required?: string[] };
const listParameters: Parameter[] = Object.entries(LIST_PARAMETERS).map(([name, description]) => ({
  name,
  in: 'query',
  description,
  required: query.required?.includes(name) ?? false,
  schema: query.properties[name]!,
}));

const idParameter: Parameter = { name: 'id', in: 'path', description: 'The delivery’s id, as listed.', required: true, schema: inlineSchema(webhookDeliveryIdSchema) };

export const webhookPaths: Paths = {
  '/api/webhooks/deliveries': {
    get: {
      operationId: 'listWebhookDeliveries',
      tags: ['Webhooks'],
      summary: 'Recent webhook deliveries, newest first',
      description:
        'One entry per event and receiver (WEBHOOK_URL, and the `webhookUrl` of the client the event is about): its attempts, the last answer and when the next attempt is due. Kept as long as the run they are about (`JOB_HISTORY_DAYS`).',
      parameters: [...listParameters, requestIdParameter],
      responses: adminResponses({
        '200': jsonResponse('The deliveries that match, newest first.', schemaRef('WebhookDeliveryList')),
        '400': jsonResponse('A parameter is invalid or unknown; `message` names it.', schemaRef('InvalidQueryError')),
      }),
    },
  },
  '/api/webhooks/deliveries/{id}/redeliver': {
    post: {
      operationId: 'redeliverWebhook',
      tags: ['Webhooks'],
      summary: 'Send a delivery again',
      description:
        'Whatever became of it (delivered, failed or still pending), the delivery is due again at once, with the same `webhook-id` and body, and retried for another 24 h if it fails.',
      parameters: [idParameter, requestIdParameter],
      responses: adminResponses({
        '202': jsonResponse('The delivery, pending again; the delivery loop sends it within a poll interval.', schemaRef('WebhookDelivery')),
        '400': jsonResponse('The id is not a UUID.', schemaRef('InvalidDeliveryIdError')),
        '404': jsonResponse('No delivery has this id (or its run was pruned from the history).', schemaRef('NotFoundError')),
      }),
    },
  },
};
