import { clientSlugSchema } from '../../schemas/client-input.schemas.js';
import { inlineSchema, schemaRef } from '../component-schemas.js';
import type { Parameter, Paths } from '../openapi-types.js';
import { adminResponses, headerRef, jsonResponse, requestIdParameter, responseRef } from '../shared-components.js';

const slugParameter: Parameter = {
  name: 'slug',
  in: 'path',
  description: 'The client’s slug. One no client could have is simply not found.',
  required: true,
  schema: inlineSchema(clientSlugSchema),
};

const invalidClient = jsonResponse(
  'The body is not valid JSON (`invalid_json`), or fields are missing, unknown or invalid (`validation_failed`, naming each in `fields`).',
  { oneOf: [schemaRef('ValidationFailedError'), schemaRef('InvalidJsonError')] },
);
const unknownClient = jsonResponse('No client has this slug.', schemaRef('NotFoundError'));

export const clientPaths: Paths = {
  '/api/admin/clients': {
    post: {
      operationId: 'registerClient',
      tags: ['Clients'],
      summary: 'Register a client',
      description: 'The API token is stored encrypted when the service has an ENCRYPTION_KEY, and never shown again: every view masks it to its last four characters.',
      parameters: [requestIdParameter],
      requestBody: { description: 'The new client; `active` defaults to true, `requestsPerMinute` to null (the service default).', required: true, content: { 'application/json': { schema: schemaRef('NewClient') } } },
      responses: adminResponses({
        '201': jsonResponse('The client, its token masked.', schemaRef('Client'), { Location: headerRef('ClientLocation') }),
        '400': invalidClient,
        '409': jsonResponse('The slug is taken.', schemaRef('ConflictError')),
        '413': responseRef('PayloadTooLarge'),
        '415': responseRef('UnsupportedMediaType'),
      }),
    },
    get: {
      operationId: 'listClients',
      tags: ['Clients'],
      summary: 'Every registered client',
      description: 'Active and inactive, in slug order.',
      parameters: [requestIdParameter],
      responses: adminResponses({ '200': jsonResponse('The clients, their tokens masked.', schemaRef('ClientList')) }),
    },
  },
  '/api/admin/clients/{slug}': {
    get: {
      operationId: 'getClient',
      tags: ['Clients'],
      summary: 'One client',
      description: 'Its settings as registered, the token masked.',
      parameters: [slugParameter, requestIdParameter],
      responses: adminResponses({
        '200': jsonResponse('The client, its token masked.', schemaRef('Client')),
        '404': unknownClient,
      }),
    },
    patch: {
      operationId: 'updateClient',
      tags: ['Clients'],
      summary: 'Change a client’s name, upstream URL, token, active flag or rate plan',
      description:
        'Only the fields given change; the slug never does. `requestsPerMinute: null` goes back to the service default; a changed rate applies from the client’s next upstream request on, its current window’s requests still counted.',
      parameters: [slugParameter, requestIdParameter],
      requestBody: { description: 'The fields to change; none changes nothing.', required: false, content: { 'application/json': { schema: schemaRef('ClientChanges') } } },
      responses: adminResponses({
        '200': jsonResponse('The client as changed, its token masked.', schemaRef('Client')),
        '400': invalidClient,
        '404': unknownClient,
        '413': responseRef('PayloadTooLarge'),
        '415': responseRef('UnsupportedMediaType'),
      }),
    },
  },
  '/api/admin/client-activity': {
    get: {
      operationId: 'listClientActivity',
      tags: ['Clients'],
      summary: 'Where every client stands: stored data, cursors, latest runs',
      description:
        'For each registered client (in slug order, as in `GET /api/admin/clients`): the tickets, messages and contacts stored (exact counts, so this reads every row’s index entry: an admin view, not one to poll many times a second), its sync cursors, and its share of the latest run of each kind it took part in — status, when, how long, its stats.',
      parameters: [requestIdParameter],
      responses: adminResponses({ '200': jsonResponse('One entry per client.', schemaRef('ClientActivityList')) }),
    },
  },
};
