import { jobIdSchema, jobRunListQuerySchema } from '../../schemas/job-run-query.schemas.js';
import { inlineSchema, schemaRef } from '../component-schemas.js';
import type { JsonSchema, Parameter, Paths } from '../openapi-types.js';
import { adminResponses, jsonResponse, requestIdParameter } from '../shared-components.js';

/** Keyed by the query schema's fields, so that a new filter cannot go undocumented. */
const LIST_PARAMETERS: Record<keyof typeof jobRunListQuerySchema.shape, string> = {
  kind: 'Only runs of this kind.',
  slug: 'Only runs asked for this slug ("all" for the runs of every client).',
  status: 'Only runs in this status.',
  trigger: 'Only runs created this way.',
  limit: 'How many runs, newest first.',
};

const listQuery = inlineSchema(jobRunListQuerySchema) as { properties: Record<string, JsonSchema>; required?: string[] };

const listParameters: Parameter[] = Object.entries(LIST_PARAMETERS).map(([name, description]) => ({
  name,
  in: 'query',
  description,
  required: listQuery.required?.includes(name) ?? false,
  schema: listQuery.properties[name]!,
}));

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
      description: 'A queued run never starts; a running one stops at each client’s next page boundary, its cursors consistent, and ends `cancelled`.',
      parameters: [idParameter, requestIdParameter],
      responses: adminResponses({
        '200': jsonResponse('The run, as the cancel left it (a running run is still `running` until its clients stop).', schemaRef('JobRun')),
        '400': invalidId,
        '404': unknownRun,
        '409': jsonResponse('The run has already finished.', schemaRef('ConflictError')),
      }),
    },
  },
};
