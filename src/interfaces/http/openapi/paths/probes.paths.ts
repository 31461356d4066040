import { schemaRef } from '../component-schemas.js';
import type { Paths } from '../openapi-types.js';
import { jsonResponse, requestIdParameter, unknownQueryParameter } from '../shared-components.js';

export const probePaths: Paths = {
  '/api/health': {
    get: {
      operationId: 'getHealth',
      tags: ['Probes'],
      summary: 'Liveness: the process serves HTTP',
      description: 'Answers as long as the process serves HTTP, whatever the state of the database: for a liveness probe, which should restart only a process that stopped answering.',
      security: [],
      parameters: [requestIdParameter],
      responses: { '200': jsonResponse('Alive.', schemaRef('Health')), '400': unknownQueryParameter },
    },
  },
  '/api/ready': {
    get: {
      operationId: 'getReadiness',
      tags: ['Probes'],
      summary: 'Readiness: the database answers, every migration is applied, the job queue is there',
      description: 'Each check has a 2-second timeout; a failing check is reported, never raised.',
      security: [],
      parameters: [requestIdParameter],
      responses: {
        '200': jsonResponse('Ready to work.', schemaRef('Ready')),
        '400': unknownQueryParameter,
        '503': jsonResponse('Not ready: `checks` names what is missing.', schemaRef('NotReady')),
      },
    },
  },
};
