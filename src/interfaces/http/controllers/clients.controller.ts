import type { Context } from 'koa';
import { inject, injectable } from 'tsyringe';
import { z } from 'zod';
import { GetClientUseCase } from '../../../application/clients/get-client.use-case.js';
import { ListClientsUseCase } from '../../../application/clients/list-clients.use-case.js';
import { RegisterClientUseCase } from '../../../application/clients/register-client.use-case.js';
import { UpdateClientUseCase } from '../../../application/clients/update-client.use-case.js';
import { NotFoundError, ValidationError } from '../../../domain/errors.js';
import { toClientView } from './client.view.js';

const slug = z
  .string({ error: 'must be a string' })
  .regex(/^[a-z0-9](?:[a-z0-9_-]{0,98}[a-z0-9])?$/, 'must be 1–100 lowercase letters, digits, "-" or "_", starting and ending with a letter or digit');
// eslint-disable-next-line no-control-regex
const noControlCharacters = (value: string) => !/[\u0000-\u001f\u007f]/.test(value);
const name = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .refine(noControlCharacters, 'must not contain control characters');
const apiBaseUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .max(2000, 'must be at most 2000 characters')
  .refine(noControlCharacters, 'must not contain control characters')
  .refine((url) => !new URL(url).username && !new URL(url).password, 'must not contain credentials: the token goes in apiToken');
// Sent as `Authorization: Bearer <token>`: only characters an HTTP header can carry.
const apiToken = z
  .string({ error: 'must be a string' })
  .min(1, 'must not be empty')
  .max(4096, 'must be at most 4096 characters')
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');
const active = z.boolean({ error: 'must be true or false' });

const newClientSchema = z.strictObject({ slug, name, apiBaseUrl, apiToken, active: active.optional() }, { error: 'the body must be a JSON object' });
const clientChangesSchema = z.strictObject(
  { name: name.optional(), apiBaseUrl: apiBaseUrl.optional(), apiToken: apiToken.optional(), active: active.optional() },
  { error: 'the body must be a JSON object' },
);

/** Admin endpoints for the registered clients (tenants). */
@injectable()
export class ClientsController {
  constructor(
    @inject(RegisterClientUseCase) private readonly registerClient: RegisterClientUseCase,
    @inject(UpdateClientUseCase) private readonly updateClient: UpdateClientUseCase,
    @inject(GetClientUseCase) private readonly getClient: GetClientUseCase,
    @inject(ListClientsUseCase) private readonly listClients: ListClientsUseCase,
  ) {}

  create = async (ctx: Context) => {
    const client = await this.registerClient.execute(validate(newClientSchema, ctx.request.body));
    ctx.status = 201;
    ctx.set('Location', `/api/admin/clients/${client.slug}`);
    ctx.body = toClientView(client);
  };

  list = async (ctx: Context) => {
    ctx.body = { clients: (await this.listClients.execute()).map(toClientView) };
  };

  show = async (ctx: Context) => {
    ctx.body = toClientView(await this.getClient.execute(slugParam(ctx)));
  };

  update = async (ctx: Context) => {
    ctx.body = toClientView(await this.updateClient.execute(slugParam(ctx), validate(clientChangesSchema, ctx.request.body)));
  };
}

/** A path slug no client could have (bad characters, too long) is simply not found. */
function slugParam(ctx: Context): string {
  const value = ctx.params.slug ?? '';
  if (!slug.safeParse(value).success) throw new NotFoundError(`no client with slug "${value.slice(0, 100).replace(/[^\x20-\x7e]/g, '?')}"`);
  return value;
}

/** Parses a body or throws a 400 naming each invalid field. */
function validate<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    if (issue.code === 'unrecognized_keys') for (const key of issue.keys) fields[key] = 'is not a known field';
    else fields[issue.path.join('.') || 'body'] = issue.message;
  }
  const summary = Object.entries(fields).map(([field, message]) => `${field} ${message}`).join('; ');
  throw new ValidationError(`invalid client: ${summary}`, fields);
}
