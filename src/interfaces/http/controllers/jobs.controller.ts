import type { Context } from 'koa';
import { inject, injectable } from 'tsyringe';
import { z } from 'zod';
import { StartJobUseCase } from '../../../application/jobs/start-job.use-case.js';
import { ALL_CLIENTS, type JobKind, type JobRunParams } from '../../../domain/jobs/job-run.js';
import { ValidationError } from '../../../domain/errors.js';
import { HttpError } from '../http-error.js';
import { addToRequestLogLine } from '../middleware/request-logging.js';
import { clientSlugSchema } from '../schemas/client-input.schemas.js';
import { validateInput } from '../schemas/validate-input.js';
import { backfillBodySchema, reconcileBodySchema, repairQuerySchema } from '../schemas/job-trigger.schemas.js';

const STARTED_MESSAGE: Record<JobKind, string> = {
  import: 'Import job started',
  'contacts-sync': 'Contacts sync job started',
  reconcile: 'Reconcile job started',
  backfill: 'Backfill job started',
};

const MAX_SLUG_LENGTH = 200;
const IMPORTER_NOTICE = 'X-Importer-Notice';
/** Header values are ASCII: the slug itself is not repeated. */
export const IMPOSSIBLE_SLUG_NOTICE = 'no client can have this slug (1-100 lowercase letters, digits, "-" or "_"): the run will process nothing';
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** The trigger endpoints of the jobs API: they schedule a run and answer 202 at once. */
@injectable()
export class JobsController {
  constructor(@inject(StartJobUseCase) private readonly startJob: StartJobUseCase) {}

  importAll = (ctx: Context) => this.accept(ctx, 'import', ALL_CLIENTS);

  importOne = (ctx: Context) => this.accept(ctx, 'import', checkSlug(ctx.params.slug, 'slug'));

  /** `clientSlug`, else `slug`, from the query string, else from the JSON body; empty means all. */
  syncContacts = (ctx: Context) => {
    const body = ctx.request.body;
    if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
      throw new HttpError(400, 'invalid_body', 'the request body must be a JSON object');
    }
    const fromBody = (body ?? {}) as Record<string, unknown>;
    const candidates: [string, unknown][] = [
      ['clientSlug', ctx.query.clientSlug],
      ['slug', ctx.query.slug],
      ['clientSlug', fromBody.clientSlug],
      ['slug', fromBody.slug],
    ];
    const chosen = candidates.map(([name, value]) => checkSlug(value, name)).find((slug) => slug !== '');
    return this.accept(ctx, 'contacts-sync', chosen ?? ALL_CLIENTS);
  };

  /** `?repair=true` or body `{"repair": true}`: either asks for the repair. */
  reconcileAll = (ctx: Context) => this.accept(ctx, 'reconcile', ALL_CLIENTS, { repair: repairAskedFor(ctx) });

  reconcileOne = (ctx: Context) => this.accept(ctx, 'reconcile', checkSlug(ctx.params.slug, 'slug'), { repair: repairAskedFor(ctx) });

  /** One client only: `all` is refused, a backfill of every client being a re-import of everything by mistake. */
  backfillOne = (ctx: Context) => {
    const slug = checkSlug(ctx.params.slug, 'slug');
    if (slug === ALL_CLIENTS) throw new ValidationError('invalid backfill: a backfill is for one client, and "all" names every client', { slug: 'must name one client: a backfill of every client is not offered' });
    const { from, to } = validateInput(backfillBodySchema, ctx.request.body, 'invalid backfill');
    // Stored as instants in UTC, so that one window asked for in two spellings is one run.
    return this.accept(ctx, 'backfill', slug, { from: new Date(from).toISOString(), ...(to ? { to: new Date(to).toISOString() } : {}) });
  };

  private async accept(ctx: Context, kind: JobKind, slug: string, params: JobRunParams = {}): Promise<void> {
    const { run, coalesced } = await this.startJob.execute(kind, slug, 'manual', params);
    // Still the contract's 202, but a slug no client could ever have is most likely a typo: say so.
    const impossible = slug !== ALL_CLIENTS && !clientSlugSchema.safeParse(slug).success;
    addToRequestLogLine(ctx, { jobId: run.id, coalesced, ...(impossible ? { impossibleSlug: true } : {}) });
    if (impossible) ctx.set(IMPORTER_NOTICE, IMPOSSIBLE_SLUG_NOTICE);
    ctx.status = 202;
    ctx.set('Location', `/api/jobs/${run.id}`);
    ctx.body = { message: STARTED_MESSAGE[kind], slug };
  }
}

/**
 * A slug parameter: absent or empty → '', a string → itself, as given (an unknown slug is the
 * contract's 202 with nothing processed); not a string, too long, or holding control
 * characters (which PostgreSQL text cannot store) → 400.
 */
function checkSlug(value: unknown, name: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new HttpError(400, 'invalid_slug', `${name} must be a single string`);
  if (value.length > MAX_SLUG_LENGTH) throw new HttpError(400, 'invalid_slug', `${name} must be at most ${MAX_SLUG_LENGTH} characters`);
  if (CONTROL_CHARACTERS.test(value)) throw new HttpError(400, 'invalid_slug', `${name} must not contain control characters`);
  return value;
}

function repairAskedFor(ctx: Context): boolean {
  const { repair: inQuery } = validateInput(z.object({ repair: repairQuerySchema.optional() }), { repair: ctx.query.repair }, 'invalid reconcile');
  const { repair: inBody } = validateInput(reconcileBodySchema, ctx.request.body, 'invalid reconcile');
  if (inQuery !== undefined && inBody !== undefined && (inQuery === 'true') !== inBody) {
    throw new ValidationError('invalid reconcile: ?repair and the body\'s repair disagree', { repair: `?repair=${inQuery} and the body's "repair": ${inBody} disagree: give one, or both alike` });
  }
  return inQuery === 'true' || inBody === true;
}
