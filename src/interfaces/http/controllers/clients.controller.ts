import type { Context } from 'koa';
import { inject, injectable } from 'tsyringe';
import { GetClientUseCase } from '../../../application/clients/get-client.use-case.js';
import { ListClientActivityUseCase } from '../../../application/clients/list-client-activity.use-case.js';
import { ListClientsUseCase } from '../../../application/clients/list-clients.use-case.js';
import { RegisterClientUseCase } from '../../../application/clients/register-client.use-case.js';
import { UpdateClientUseCase } from '../../../application/clients/update-client.use-case.js';
import { NotFoundError } from '../../../domain/errors.js';
import { clientChangesSchema, clientSlugSchema, newClientSchema } from '../schemas/client-input.schemas.js';
import { validateInput } from '../schemas/validate-input.js';
import { toClientActivityView } from './client-activity.view.js';
import { toClientView } from './client.view.js';

/** Admin endpoints for the registered clients (tenants). */
@injectable()
export class ClientsController {
  constructor(
    @inject(RegisterClientUseCase) private readonly registerClient: RegisterClientUseCase,
    @inject(UpdateClientUseCase) private readonly updateClient: UpdateClientUseCase,
    @inject(GetClientUseCase) private readonly getClient: GetClientUseCase,
    @inject(ListClientsUseCase) private readonly listClients: ListClientsUseCase,
    @inject(ListClientActivityUseCase) private readonly listClientActivity: ListClientActivityUseCase,
  ) {}

  create = async (ctx: Context) => {
    const client = await this.registerClient.execute(validateInput(newClientSchema, ctx.request.body, 'invalid client'));
    ctx.status = 201;
    ctx.set('Location', `/api/admin/clients/${client.slug}`);
    ctx.body = toClientView(client);
  };

  list = async (ctx: Context) => {
    ctx.body = { clients: (await this.listClients.execute()).map(toClientView) };
  };

  activity = async (ctx: Context) => {
    ctx.body = { clients: (await this.listClientActivity.execute()).map(toClientActivityView) };
  };

  show = async (ctx: Context) => {
    ctx.body = toClientView(await this.getClient.execute(slugParam(ctx)));
  };

  update = async (ctx: Context) => {
    ctx.body = toClientView(await this.updateClient.execute(slugParam(ctx), validateInput(clientChangesSchema, ctx.request.body, 'invalid client')));
  };
}

/** A path slug no client could have (bad characters, too long) is simply not found. */
function slugParam(ctx: Context): string {
  const value = ctx.params.slug ?? '';
  if (!clientSlugSchema.safeParse(value).success) throw new NotFoundError(`no client with slug "${value.slice(0, 100).replace(/[^\x20-\x7e]/g, '?')}"`);
  return value;
}
