import { schemaRef } from '../component-schemas.js';
import type { Paths } from '../openapi-types.js';
import { jsonResponse, requestIdParameter } from '../shared-components.js';

export const probePaths: Paths = {
  '/api/health': {
    get: {
      operationId: 'getHealth',
      tags: ['Probes'],
      summary: 'Liveness: the process serves HTTP',
      security: [],
      parameters: [requestIdParameter],
      responses: { '200': jsonResponse('Alive.', schemaRef('Health')) },
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
        '503': jsonResponse('Not ready: `checks` names what is missing.', schemaRef('NotReady')),
      },
    },
  },
};
