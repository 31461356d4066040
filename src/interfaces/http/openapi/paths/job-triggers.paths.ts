import { triggerSlugSchema } from '../../schemas/job-trigger.schemas.js';
import { inlineSchema, schemaRef } from '../component-schemas.js';
import type { Parameter, Paths } from '../openapi-types.js';
import { adminResponses, headerRef, jsonResponse, requestIdParameter, responseRef } from '../shared-components.js';

const QUEUED =
  'Queues a run and answers at once, without waiting for it. While a run of the same kind and slug is still queued, a new trigger joins it ' +
  '(the same `Location`) instead of queueing another.';
const UNKNOWN_SLUG = 'An unknown or inactive slug still answers 202: the run processes no client.';

const slugQueryParameter = (name: string, description: string): Parameter => ({
  name,
  in: 'query',
  description,
  required: false,
  schema: inlineSchema(triggerSlugSchema),
});

export const jobTriggerPaths: Paths = {
  '/api/jobs/import': {
    post: {
      operationId: 'startImportOfAllClients',
      tags: ['Jobs'],
      summary: 'Import the tickets and messages of every active client',
      description: `${QUEUED} A request body is ignored.`,
      parameters: [requestIdParameter],
      responses: adminResponses({
        '202': jsonResponse('The run is queued; `slug` is "all".', schemaRef('ImportStarted'), { Location: headerRef('JobRunLocation') }),
      }),
    },
  },
  '/api/jobs/import/{slug}': {
    post: {
      operationId: 'startImportOfClient',
      tags: ['Jobs'],
      summary: 'Import the tickets and messages of one client',
      description: `${QUEUED} ${UNKNOWN_SLUG} A request body is ignored.`,
      parameters: [
        {
          name: 'slug',
          in: 'path',
          description: 'The client’s slug, percent-encoded; taken as given (not trimmed).',
          required: true,
          schema: inlineSchema(triggerSlugSchema.min(1)),
        },
        requestIdParameter,
      ],
      responses: adminResponses({
        '202': jsonResponse('The run is queued; `slug` echoes the path’s.', schemaRef('ImportStarted'), { Location: headerRef('JobRunLocation'), 'X-Importer-Notice': headerRef('ImporterNotice') }),
        '400': jsonResponse('The slug is longer than 200 characters or holds a control character.', schemaRef('InvalidSlugError')),
      }),
    },
  },
  '/api/admin/sync/contacts': {
    post: {
      operationId: 'startContactsSync',
      tags: ['Jobs'],
      summary: 'Sync the contacts and tags of every active client, or of one',
      description:
        `${QUEUED} ${UNKNOWN_SLUG} The client is \`clientSlug\`, else \`slug\`, from the query string, else from the JSON body; ` +
        'an empty value counts as absent, and with none the run covers every active client ("all").',
      parameters: [
        slugQueryParameter('clientSlug', 'The client to sync.'),
        slugQueryParameter('slug', 'An alias of `clientSlug`, used when `clientSlug` is absent or empty.'),
        requestIdParameter,
      ],
      requestBody: {
        description: 'Optional; read only when the query string names no client.',
        required: false,
        content: { 'application/json': { schema: schemaRef('ContactsSyncRequest') } },
      },
      responses: adminResponses({
        '202': jsonResponse('The run is queued; `slug` is the client asked for, or "all".', schemaRef('ContactsSyncStarted'), {
          Location: headerRef('JobRunLocation'),
          'X-Importer-Notice': headerRef('ImporterNotice'),
        }),
        '400': jsonResponse(
          'The body is not valid JSON (`invalid_json`) or not a JSON object (`invalid_body`), or a slug is not a single string, is longer than 200 characters or holds a control character (`invalid_slug`).',
          { oneOf: [schemaRef('InvalidJsonError'), schemaRef('InvalidBodyError'), schemaRef('InvalidSlugError')] },
        ),
        '413': responseRef('PayloadTooLarge'),
        '415': responseRef('UnsupportedMediaType'),
      }),
    },
  },
};
