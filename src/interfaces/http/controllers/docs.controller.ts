import { readFile } from 'node:fs/promises';
import type { Context } from 'koa';
import { HttpError } from '../http-error.js';
import { DOCS_ASSET_CACHE_CONTROL, DOCS_ASSETS } from '../openapi/docs-assets.js';
import { docsPageHtml, docsPagePolicy } from '../openapi/docs-page.js';
import type { OpenApiDocument } from '../openapi/openapi-types.js';

/** The OpenAPI document and a Swagger UI page to read it: no token, nothing loaded from elsewhere. */
export class DocsController {
  private readonly documentJson: string;
  private readonly pageHtml: string;

  constructor(document: OpenApiDocument) {
    this.documentJson = JSON.stringify(document);
    this.pageHtml = docsPageHtml(document.info.title);
  }

  openApiDocument = (ctx: Context) => {
    ctx.type = 'application/json';
    ctx.body = this.documentJson;
  };

  page = (ctx: Context) => {
    const appPolicy = ctx.response.get('Content-Security-Policy');
    if (appPolicy) ctx.set('Content-Security-Policy', docsPagePolicy(appPolicy));
    ctx.type = 'text/html';
    ctx.body = this.pageHtml;
  };

  asset = async (ctx: Context) => {
    const asset = DOCS_ASSETS.get(ctx.params.asset ?? '');
    if (!asset) throw new HttpError(404, 'not_found', 'the docs have no such file');
    ctx.set('Cache-Control', DOCS_ASSET_CACHE_CONTROL);
    ctx.type = asset.mediaType;
    ctx.body = 'file' in asset.source ? await readFile(asset.source.file) : asset.source.text;
  };
}
