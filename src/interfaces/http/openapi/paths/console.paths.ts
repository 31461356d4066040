import { schemaRef } from '../component-schemas.js';
import { CONSOLE_ASSET_CACHE_CONTROL, CONSOLE_ASSET_TYPES, CONSOLE_CONTENT_SECURITY_POLICY, CONSOLE_PAGE_CACHE_CONTROL } from '../../console/console-files.js';
import type { JsonSchema, Paths } from '../openapi-types.js';
import { jsonResponse, requestIdParameter, response } from '../shared-components.js';

const text: JsonSchema = { type: 'string' };

export const consolePaths: Paths = {
  '/console': {
    get: {
      operationId: 'getConsolePage',
      tags: ['Console'],
      summary: 'The admin console: a page for everything this API does',
      description:
        'Clients with their stored data, cursors and latest runs; runs with live progress; every trigger a click away. The page itself needs no token: it asks for the admin token, keeps it in the tab’s session storage, and sends it as `x-admin-token` to this API (the documented routes only). Built with the service (`npm run build`) from `console/`.',
      security: [],
      parameters: [requestIdParameter],
      responses: {
        '200': response('The page; its scripts and styles are files under `/console/assets/`.', { 'text/html': { schema: text } }, {
          'Cache-Control': { description: 'Fetched again at each visit, so that a new build is picked up.', required: true, schema: { type: 'string', const: CONSOLE_PAGE_CACHE_CONTROL } },
          'Content-Security-Policy': { description: 'Only this origin’s own files; no inline script or style; Trusted Types, so no HTML is built from strings.', required: true, schema: { type: 'string', const: CONSOLE_CONTENT_SECURITY_POLICY } },
        }),
        '404': jsonResponse('The console has not been built (`npm run build`, which `npm start` runs when the sources changed).', schemaRef('NotFoundError')),
      },
    },
  },
  '/console/assets/{file}': {
    get: {
      operationId: 'getConsoleAsset',
      tags: ['Console'],
      summary: 'A script or stylesheet of the console',
      description: 'Named by the build after its content’s hash, so a name never changes meaning: browsers keep each one for a year.',
      security: [],
      parameters: [
        { name: 'file', in: 'path', description: 'A file the page names, such as `index-3f9a1c2b.js`.', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]+\\.(js|css)$' } },
        requestIdParameter,
      ],
      responses: {
        '200': response(
          'The file.',
          Object.fromEntries(Object.values(CONSOLE_ASSET_TYPES).map((mediaType) => [mediaType, { schema: text }])),
          { 'Cache-Control': { description: 'Immutable: the name is the content’s hash.', required: true, schema: { type: 'string', const: CONSOLE_ASSET_CACHE_CONTROL } } },
        ),
        '404': jsonResponse('Not a file of the current build.', schemaRef('NotFoundError')),
      },
    },
  },
};
