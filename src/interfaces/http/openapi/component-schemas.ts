import { z } from 'zod';
import { clientActivityListSchema, clientActivitySchema, clientLastRunSchema } from '../schemas/client-activity-view.schema.js';
import { clientChangesSchema, newClientSchema } from '../schemas/client-input.schemas.js';
import { clientListSchema, clientViewSchema } from '../schemas/client-view.schema.js';
import {
  conflictErrorSchema,
  internalErrorSchema,
  invalidBodyErrorSchema,
  invalidDeliveryIdErrorSchema,
  invalidJobIdErrorSchema,
  invalidJsonErrorSchema,
  invalidQueryErrorSchema,
  invalidSlugErrorSchema,
  notFoundErrorSchema,
  payloadTooLargeErrorSchema,
  tooManyAttemptsErrorSchema,
  unauthorizedErrorSchema,
  unsupportedMediaTypeErrorSchema,
  validationFailedErrorSchema,
} from '../schemas/error-body.schemas.js';
import { clientRunStatsSchema, jobRunListSchema, jobRunViewSchema, runClientListSchema, runSummarySchema } from '../schemas/job-run-view.schema.js';
import { backfillBodySchema, backfillStartedSchema, contactsSyncBodySchema, contactsSyncStartedSchema, importStartedSchema, reconcileBodySchema, reconcileStartedSchema } from '../schemas/job-trigger.schemas.js';
import { healthSchema, notReadySchema, readinessChecksSchema, readySchema } from '../schemas/probe.schemas.js';
import { webhookDeliveryListSchema, webhookDeliveryViewSchema } from '../schemas/webhook-delivery.schemas.js';
import type { JsonSchema, Reference } from './openapi-types.js';

/** Request bodies, described as callers send them (zod's input side). */
const REQUEST_SCHEMAS = {
  NewClient: newClientSchema,
  ClientChanges: clientChangesSchema,
  ContactsSyncRequest: contactsSyncBodySchema,
  ReconcileRequest: reconcileBodySchema,
  BackfillRequest: backfillBodySchema,
};

/** Response bodies, described as the views, the error handler and the middleware write them. */
const RESPONSE_SCHEMAS = {
  Health: healthSchema,
  ReadinessChecks: readinessChecksSchema,
  Ready: readySchema,
  NotReady: notReadySchema,
  ImportStarted: importStartedSchema,
  ContactsSyncStarted: contactsSyncStartedSchema,
  ReconcileStarted: reconcileStartedSchema,
  BackfillStarted: backfillStartedSchema,
  JobRun: jobRunViewSchema,
  ClientRunStats: clientRunStatsSchema,
  JobRunList: jobRunListSchema,
  RunSummary: runSummarySchema,
  RunClientList: runClientListSchema,
  Client: clientViewSchema,
  ClientList: clientListSchema,
  WebhookDelivery: webhookDeliveryViewSchema,
  WebhookDeliveryList: webhookDeliveryListSchema,
  ClientActivity: clientActivitySchema,
  ClientLastRun: clientLastRunSchema,
  ClientActivityList: clientActivityListSchema,
  UnauthorizedError: unauthorizedErrorSchema,
  TooManyAttemptsError: tooManyAttemptsErrorSchema,
  InternalError: internalErrorSchema,
  InvalidJsonError: invalidJsonErrorSchema,
  InvalidBodyError: invalidBodyErrorSchema,
  InvalidSlugError: invalidSlugErrorSchema,
  InvalidQueryError: invalidQueryErrorSchema,
  InvalidJobIdError: invalidJobIdErrorSchema,
  InvalidDeliveryIdError: invalidDeliveryIdErrorSchema,
  ValidationFailedError: validationFailedErrorSchema,
  NotFoundError: notFoundErrorSchema,
  ConflictError: conflictErrorSchema,
  PayloadTooLargeError: payloadTooLargeErrorSchema,
  UnsupportedMediaTypeError: unsupportedMediaTypeErrorSchema,
};

export type SchemaName = keyof typeof REQUEST_SCHEMAS | keyof typeof RESPONSE_SCHEMAS;

type Io = 'input' | 'output';

const OPTIONS = {
  target: 'draft-2020-12',
  // zod adds to `date-time` a regex that only restates it (in UTC, as toISOString writes): noise in the docs.
  override: ({ jsonSchema }: { jsonSchema: JsonSchema }) => {
    if (jsonSchema.format === 'date-time') delete jsonSchema.pattern;
  },
} as const;

/** `components.schemas`: each named schema once, the others referring to it by `$ref`. */
export const componentSchemas = {
  ...toNamedJsonSchemas(REQUEST_SCHEMAS, 'input'),
  ...toNamedJsonSchemas(RESPONSE_SCHEMAS, 'output'),
} as Record<SchemaName, JsonSchema>;

export function schemaRef(name: SchemaName): Reference {
  return { $ref: `#/components/schemas/${name}` };
}

/** A schema written in place (a parameter's), as callers send it. */
export function inlineSchema(schema: z.ZodType): JsonSchema {
  return withoutStandaloneKeywords(z.toJSONSchema(schema, { ...OPTIONS, io: 'input' }) as JsonSchema);
}

function toNamedJsonSchemas(schemas: Record<string, z.ZodType>, io: Io): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const converted = z.toJSONSchema(registry, { ...OPTIONS, io, uri: (id) => `#/components/schemas/${id}` }).schemas;
  return Object.fromEntries(Object.entries(converted).map(([id, schema]) => [id, withoutStandaloneKeywords(schema as JsonSchema)]));
}

/** `$schema` and `$id` belong to a standalone schema; inside the document they would only mislead `$ref` resolution. */
function withoutStandaloneKeywords(schema: JsonSchema): JsonSchema {
  const { $schema: _dialect, $id: _id, ...rest } = schema;
  return rest;
}
