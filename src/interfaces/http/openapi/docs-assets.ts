import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DOCS_INIT_SCRIPT } from './docs-page.js';

// The package's directory, found without importing it: its entry point would evaluate the whole browser bundle.
const SWAGGER_UI_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/** An hour: short enough that a browser picks up an upgraded swagger-ui-dist the same day. */
export const DOCS_ASSET_CACHE_CONTROL = 'public, max-age=3600';

export interface DocsAsset {
  mediaType: 'text/css' | 'text/javascript';
  /** A file of swagger-ui-dist, or the text itself. */
  source: { file: string } | { text: string };
}

/** Every file GET /api/docs/<name> serves: a whitelist, so a request can never name a path of its own. */
export const DOCS_ASSETS: ReadonlyMap<string, DocsAsset> = new Map<string, DocsAsset>([
  ['swagger-ui.css', { mediaType: 'text/css', source: { file: join(SWAGGER_UI_DIR, 'swagger-ui.css') } }],
  ['swagger-ui-bundle.js', { mediaType: 'text/javascript', source: { file: join(SWAGGER_UI_DIR, 'swagger-ui-bundle.js') } }],
  ['init.js', { mediaType: 'text/javascript', source: { text: DOCS_INIT_SCRIPT } }],
]);
