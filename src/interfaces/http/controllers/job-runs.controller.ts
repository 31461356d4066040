import type { Context } from 'koa';
import { inject, injectable } from 'tsyringe';
import type { z } from 'zod';
import { CancelJobUseCase } from '../../../application/jobs/cancel-job.use-case.js';
import { GetJobUseCase } from '../../../application/jobs/get-job.use-case.js';
import { ListJobsUseCase } from '../../../application/jobs/list-jobs.use-case.js';
import { ListRunClientsUseCase } from '../../../application/jobs/list-run-clients.use-case.js';
import { HttpError } from '../http-error.js';
import { jobIdSchema, jobRunListQuerySchema, runClientListQuerySchema } from '../schemas/job-run-query.schemas.js';
import { toJobRunView, toRunClientView } from './job-run.view.js';

/** The status resource of job runs: the target of every trigger's `Location`. */
@injectable()
export class JobRunsController {
  constructor(
    @inject(GetJobUseCase) private readonly getJob: GetJobUseCase,
    @inject(ListJobsUseCase) private readonly listJobs: ListJobsUseCase,
    @inject(ListRunClientsUseCase) private readonly listRunClients: ListRunClientsUseCase,
    @inject(CancelJobUseCase) private readonly cancelJob: CancelJobUseCase,
  ) {}

  show = async (ctx: Context) => {
    ctx.body = toJobRunView(await this.getJob.execute(checkId(ctx.params.id)));
  };

  list = async (ctx: Context) => {
    const filter = parseQuery(jobRunListQuerySchema, ctx.query);
    const jobs = (await this.listJobs.execute(filter)).map(toJobRunView);
    ctx.body = { jobs, next: jobs.length === filter.limit ? jobs.at(-1)!.id : null };
  };

  clients = async (ctx: Context) => {
    const id = checkId(ctx.params.id);
    const page = await this.listRunClients.execute(id, parseQuery(runClientListQuerySchema, ctx.query));
    ctx.body = { clients: page.clients.map(toRunClientView), next: page.next };
  };

  cancel = async (ctx: Context) => {
    ctx.body = toJobRunView(await this.cancelJob.execute(checkId(ctx.params.id)));
  };
}

function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.infer<S> {
  const parsed = schema.safeParse(query);
  if (parsed.success) return parsed.data;
  const problem = parsed.error.issues[0]!;
  const field = problem.code === 'unrecognized_keys' ? problem.keys.join(', ') : problem.path.join('.');
  throw new HttpError(400, 'invalid_query', `${field}: ${problem.code === 'unrecognized_keys' ? 'is not a known parameter' : problem.message}`);
}

function checkId(value: string | undefined): string {
  if (!jobIdSchema.safeParse(value).success) throw new HttpError(400, 'invalid_job_id', 'job id must be a UUID');
  return value!;
}
