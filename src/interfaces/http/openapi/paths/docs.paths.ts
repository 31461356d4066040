import { schemaRef } from '../component-schemas.js';
import { DOCS_ASSET_CACHE_CONTROL, DOCS_ASSETS } from '../docs-assets.js';
import type { JsonSchema, Paths } from '../openapi-types.js';
import { jsonResponse, requestIdParameter, response, unknownQueryParameter } from '../shared-components.js';

/** This very document: its own rules are the OpenAPI 3.1 specification's, not repeated here. */
const OPENAPI_DOCUMENT_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['openapi', 'info', 'paths', 'components'],
  properties: {
    openapi: { type: 'string', const: '3.1.0' },
    info: { type: 'object', required: ['title', 'version'], properties: { title: { type: 'string' }, version: { type: 'string' } } },
    paths: { type: 'object' },
    components: { type: 'object' },
  },
};

const text: JsonSchema = { type: 'string' };

export const docsPaths: Paths = {
  '/api/openapi.json': {
    get: {
      operationId: 'getOpenApiDocument',
      tags: ['Docs'],
      summary: 'This OpenAPI 3.1 document',
      description: 'The document every route of the service is checked against by its tests; public, like the list of routes it describes.',
      security: [],
      parameters: [requestIdParameter],
      responses: { '200': jsonResponse('The document.', OPENAPI_DOCUMENT_SCHEMA), '400': unknownQueryParameter },
    },
  },
  '/api/docs': {
    get: {
      operationId: 'getDocsPage',
      tags: ['Docs'],
      summary: 'A readable page of this document (Swagger UI)',
      description: 'Loads only files of this service (`/api/docs/{asset}`), so it works offline and under `script-src \'self\'`.',
      security: [],
      parameters: [requestIdParameter],
      responses: { '200': response('The HTML page.', { 'text/html': { schema: text } }), '400': unknownQueryParameter },
    },
  },
  '/api/docs/{asset}': {
    get: {
      operationId: 'getDocsAsset',
      tags: ['Docs'],
      summary: 'A script or stylesheet of the docs page',
      description: 'Served from the `swagger-ui-dist` package installed with the service, never from a CDN.',
      security: [],
      parameters: [
        { name: 'asset', in: 'path', description: 'One of the page’s files; nothing else is served.', required: true, schema: { type: 'string', enum: [...DOCS_ASSETS.keys()] } },
        requestIdParameter,
      ],
      responses: {
        '200': response(
          'The file.',
          Object.fromEntries([...DOCS_ASSETS.values()].map(({ mediaType }) => [mediaType, { schema: text }])),
          { 'Cache-Control': { description: 'Browsers may keep the file an hour.', required: true, schema: { type: 'string', const: DOCS_ASSET_CACHE_CONTROL } } },
        ),
        '404': jsonResponse('Not one of the page’s files.', schemaRef('NotFoundError')),
      },
    },
  },
};
