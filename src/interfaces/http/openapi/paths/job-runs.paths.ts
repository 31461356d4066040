import { jobIdSchema, jobRunListQuerySchema, runClientListQuerySchema } from '../../schemas/job-run-query.schemas.js';
import { inlineSchema, schemaRef } from '../component-schemas.js';
import type { JsonSchema, Parameter, Paths } from '../openapi-types.js';
import { adminResponses, jsonResponse, requestIdParameter } from '../shared-components.js';

/** Keyed by the query schema's fields, so that a new filter cannot go undocumented. */
const LIST_PARAMETERS: Record<keyof typeof jobRunListQuerySchema.shape, string> = {
  kind: 'Only runs of this kind.',
  slug: 'Only runs asked for this slug ("all" for the runs of every client).',
  status: 'Only runs in this status.',
  trigger: 'Only runs created this way.',
  before: 'Runs requested before this one, newest first: the `next` of the previous page. A run no longer in the history has none after it.',
  limit: 'How many runs, newest first.',
};

const CLIENT_LIST_PARAMETERS: Record<keyof typeof runClientListQuerySchema.shape, string> = {
  status: 'Only clients in this status.',
  after: 'Clients whose slug comes after this one: the `next` of the previous page.',
  limit: 'How many clients, in slug order.',
};

function queryParameters(schema: Parameters<typeof inlineSchema>[0], descriptions: Record<string, string>): Parameter[] {
  const query = inlineSchema(schema) as { properties: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(descriptions).map(([name, description]) => ({
    name,
    in: 'query',
    description,
    required: query.required?.includes(name) ?? false,
    schema: query.properties[name]!,
  }));
}

const listParameters = queryParameters(jobRunListQuerySchema, LIST_PARAMETERS);
const clientListParameters = queryParameters(runClientListQuerySchema, CLIENT_LIST_PARAMETERS);

const idParameter: Parameter = { name: 'id', in: 'path', description: 'The run’s id, as in a trigger’s `Location`.', required: true, schema: inlineSchema(jobIdSchema) };

const invalidId = jsonResponse('The id is not a UUID.', schemaRef('InvalidJobIdError'));
const unknownRun = jsonResponse('No run has this id (or it was pruned from the history).', schemaRef('NotFoundError'));

export const jobRunPaths: Paths = {
  '/api/jobs': {
    get: {
      operationId: 'listJobRuns',
      tags: ['Job runs'],
      summary: 'The history of runs, newest first',
      description: 'Runs are kept `JOB_HISTORY_DAYS` days.',
      parameters: [...listParameters, requestIdParameter],
      responses: adminResponses({
        '200': jsonResponse('The runs that match, newest first.', schemaRef('JobRunList')),
        '400': jsonResponse('A parameter is invalid or unknown; `message` names it.', schemaRef('InvalidQueryError')),
      }),
    },
  },
  '/api/jobs/{id}': {
    get: {
      operationId: 'getJobRun',
      tags: ['Job runs'],
      summary: 'One run, with each client’s progress',
      description: 'Shows every client of a run of up to 100 clients in `stats`; a larger run shows the 100 updated most recently, with `summary` counting all of them, and is read in full through its client listing.',
      parameters: [idParameter, requestIdParameter],
      responses: adminResponses({
        '200': jsonResponse('The run.', schemaRef('JobRun')),
        '400': invalidId,
        '404': unknownRun,
      }),
    },
    delete: {
      operationId: 'cancelJobRun',
      tags: ['Job runs'],
      summary: 'Cancel a run',
      description: 'A queued run never starts; a running one stops at each client’s next checkpoint, its cursors consistent, and ends `cancelled`.',
      parameters: [idParameter, requestIdParameter],
      responses: adminResponses({
        '200': jsonResponse('The run, as the cancel left it (a running run is still `running` until its clients stop).', schemaRef('JobRun')),
        '400': invalidId,
        '404': unknownRun,
        '409': jsonResponse('The run has already finished.', schemaRef('ConflictError')),
      }),
    },
  },
  '/api/jobs/{id}/clients': {
    get: {
      operationId: 'listJobRunClients',
      tags: ['Job runs'],
      summary: 'A run’s clients, a page at a time',
      description: 'Every client of the run in slug order (keyset pages: pass the previous page’s `next` as `after`), with the same per-client stats as the run’s `stats`.',
      parameters: [idParameter, ...clientListParameters, requestIdParameter],
      responses: adminResponses({
        '200': jsonResponse('A page of the run’s clients.', schemaRef('RunClientList')),
        '400': jsonResponse('The id is not a UUID, or a parameter is invalid or unknown; `message` names it.', { oneOf: [schemaRef('InvalidJobIdError'), schemaRef('InvalidQueryError')] }),
        '404': unknownRun,
      }),
    },
  },
};
