import { schemaRef } from '../component-schemas.js';
import type { Paths } from '../openapi-types.js';
import { headerRef, jsonResponse, METRICS_TOKEN_SCHEME, requestIdParameter, response } from '../shared-components.js';

export const metricsPaths: Paths = {
  '/metrics': {
    get: {
      operationId: 'getMetrics',
      tags: ['Metrics'],
      summary: 'Prometheus metrics: runs, run durations, queue depth, upstream requests by client and status, 429s, retries, rate-budget waits, rows stored',
      description:
        'The Prometheus text exposition format (prom-client). Open when the service has no `METRICS_TOKEN`; with one, it requires `Authorization: Bearer <METRICS_TOKEN>` (the admin token does not open it). Labels are client slugs, never tokens or URLs.',
      // Either no credentials (no METRICS_TOKEN configured) or the bearer token.
      security: [{}, { [METRICS_TOKEN_SCHEME]: [] }],
      parameters: [requestIdParameter],
      responses: {
        '200': response('The metrics.', { 'text/plain': { schema: { type: 'string', pattern: '^# HELP helpdesk_importer_' } } }),
        '401': jsonResponse('The service has a METRICS_TOKEN and the request did not bear it.', schemaRef('UnauthorizedError')),
        '429': jsonResponse('This address sent a wrong metrics token more than 30 times in its current minute.', schemaRef('TooManyAttemptsError'), {
          'Retry-After': headerRef('RetryAfter'),
        }),
      },
    },
  },
};
