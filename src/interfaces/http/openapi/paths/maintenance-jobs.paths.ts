import { triggerSlugSchema } from '../../schemas/job-trigger.schemas.js';
import { inlineSchema, schemaRef } from '../component-schemas.js';
import type { Operation, Parameter, Paths } from '../openapi-types.js';
import { adminResponses, headerRef, jsonResponse, requestIdParameter, responseRef } from '../shared-components.js';

const QUEUED =
  'Queues a run and answers at once, without waiting for it. While a run of the same kind, slug and parameters is still queued, a new trigger joins it ' +
  '(the same `Location`); a run never works on a client while another run of any kind works on it.';
const UNKNOWN_SLUG = 'An unknown or inactive slug still answers 202: the run processes no client.';
const RECONCILE =
  'Per client: an incremental import first (bringing the cursor current), then the upstream’s counts (`meta.total` of one-item listings) against the stored rows — ' +
  'tickets updated in [IMPORT_START_AT or the beginning, the cursor], counted in sixteen stretches and bisected wherever the counts differ (either way), each small stretch then listed in full ' +
  'to tell the tickets missing from the database from those deleted upstream; the message counts of `RECONCILE_SAMPLE` tickets; the contacts. ' +
  'The client’s stats in the run say what was found (`drift`, `tickets`, `messages`, `contacts`, `missingRows`, and `repair` when repaired). Without repair it stores nothing beyond what its import brings.';

const slugPath: Parameter = {
  name: 'slug',
  in: 'path',
  description: 'The client’s slug, percent-encoded; taken as given (not trimmed).',
  required: true,
  schema: inlineSchema(triggerSlugSchema.min(1)),
};

const repairQuery: Parameter = {
  name: 'repair',
  in: 'query',
  description: '`true`: a client with drift has its drift windows re-imported (and its contacts synced when they drifted), then is checked again.',
  required: false,
  schema: { type: 'string', enum: ['true', 'false'] },
};

const reconcileBody = {
  description: 'Optional; `{"repair": true}` is the same as `?repair=true`.',
  required: false,
  content: { 'application/json': { schema: schemaRef('ReconcileRequest') } },
};

const BAD_RECONCILE = jsonResponse(
  'The body is not valid JSON (`invalid_json`, naming `body` in `fields`); `repair` is neither true nor false, `?repair` and the body’s `repair` disagree, or the body holds another field (`validation_failed`, naming it in `fields`); or the slug is longer than 200 characters or holds a control character (`invalid_slug`).',
  { oneOf: [schemaRef('InvalidJsonError'), schemaRef('ValidationFailedError'), schemaRef('InvalidSlugError')] },
);

const reconcile = (operationId: string, summary: string, parameters: Parameter[], slugDescription: string): Operation => ({
  operationId,
  tags: ['Jobs'],
  summary,
  description: `${QUEUED} ${RECONCILE}`,
  parameters: [...parameters, repairQuery, requestIdParameter],
  requestBody: reconcileBody,
  responses: adminResponses({
    '202': jsonResponse(`The run is queued; ${slugDescription}.`, schemaRef('ReconcileStarted'), { Location: headerRef('JobRunLocation'), 'X-Importer-Notice': headerRef('ImporterNotice') }),
    '400': BAD_RECONCILE,
    '413': responseRef('PayloadTooLarge'),
    '415': responseRef('UnsupportedMediaType'),
  }),
});

export const maintenanceJobPaths: Paths = {
  '/api/jobs/reconcile': { post: reconcile('startReconcileOfAllClients', 'Check that every active client’s data is complete (and repair it)', [], '`slug` is "all"') },
  '/api/jobs/reconcile/{slug}': { post: reconcile('startReconcileOfClient', 'Check that one client’s data is complete (and repair it)', [slugPath], '`slug` echoes the path’s') },
  '/api/jobs/backfill/{slug}': {
    post: {
      operationId: 'startBackfillOfClient',
      tags: ['Jobs'],
      summary: 'Re-import one client’s tickets updated in a window, with all their messages',
      description:
        `${QUEUED} ${UNKNOWN_SLUG} Every ticket whose \`updatedAt\` is in [from, to] is listed again and all its messages fetched again, so rows lost or altered in the ` +
        'database are restored; the run has its own checkpoint (a crash resumes there) and never moves the client’s import cursor.',
      parameters: [slugPath, requestIdParameter],
      requestBody: { description: 'The window.', required: true, content: { 'application/json': { schema: schemaRef('BackfillRequest') } } },
      responses: adminResponses({
        '202': jsonResponse('The run is queued; `slug` echoes the path’s.', schemaRef('BackfillStarted'), { Location: headerRef('JobRunLocation'), 'X-Importer-Notice': headerRef('ImporterNotice') }),
        '400': jsonResponse(
          'The body is not valid JSON (`invalid_json`, naming `body` in `fields`); `from` is missing or not a timestamp, `to` is not one or is before `from`, the body is not an object or holds another field, or the slug is `all` (a backfill is for one client) (`validation_failed`, naming each in `fields`); or the slug is longer than 200 characters or holds a control character (`invalid_slug`).',
          { oneOf: [schemaRef('InvalidJsonError'), schemaRef('ValidationFailedError'), schemaRef('InvalidSlugError')] },
        ),
        '413': responseRef('PayloadTooLarge'),
        '415': responseRef('UnsupportedMediaType'),
      }),
    },
  },
};
