import type { Context } from 'koa';
import { HttpError } from '../http-error.js';
import { CONSOLE_ASSET_CACHE_CONTROL, CONSOLE_CONTENT_SECURITY_POLICY, CONSOLE_PAGE_CACHE_CONTROL, type ConsoleFiles } from '../console/console-files.js';

/**
 * The admin console (a static page and its assets): served without a token, like the docs,
 * since it holds nothing secret; every call it makes to the API carries the admin token.
 */
export class ConsoleController {
  constructor(private readonly files: ConsoleFiles) {}

  page = async (ctx: Context) => {
    const page = await this.files.page();
    if (!page) throw new HttpError(404, 'not_found', 'the console is not built: run `npm run build`');
    ctx.set('Content-Security-Policy', CONSOLE_CONTENT_SECURITY_POLICY);
    ctx.set('Cache-Control', CONSOLE_PAGE_CACHE_CONTROL);
    ctx.type = 'text/html';
    ctx.body = page;
  };

  asset = async (ctx: Context) => {
    const asset = await this.files.asset(ctx.params.file ?? '');
    if (!asset) throw new HttpError(404, 'not_found', 'the console has no such file');
    ctx.set('Cache-Control', CONSOLE_ASSET_CACHE_CONTROL);
    ctx.type = asset.mediaType;
    ctx.body = asset.body;
  };
}
