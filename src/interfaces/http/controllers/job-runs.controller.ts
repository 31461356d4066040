import type { Context } from 'koa';
import { inject, injectable } from 'tsyringe';
import { z } from 'zod';
import { CancelJobUseCase } from '../../../application/jobs/cancel-job.use-case.js';
import { GetJobUseCase } from '../../../application/jobs/get-job.use-case.js';
import { ListJobsUseCase } from '../../../application/jobs/list-jobs.use-case.js';
import { JOB_KINDS, JOB_STATUSES, JOB_TRIGGERS } from '../../../domain/jobs/job-run.js';
import { HttpError } from '../http-error.js';
import { toJobRunView } from './job-run.view.js';

const jobId = z.uuid();
const listQuery = z.strictObject({
  kind: z.enum(JOB_KINDS, { error: `must be one of ${JOB_KINDS.join(', ')}` }).optional(),
  slug: z.string().min(1).max(200).optional(),
  status: z.enum(JOB_STATUSES, { error: `must be one of ${JOB_STATUSES.join(', ')}` }).optional(),
  trigger: z.enum(JOB_TRIGGERS, { error: `must be one of ${JOB_TRIGGERS.join(', ')}` }).optional(),
  limit: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(100, 'must be at most 100').default(20),
});

/** The status resource of job runs: the target of every trigger's `Location`. */
@injectable()
export class JobRunsController {
  constructor(
    @inject(GetJobUseCase) private readonly getJob: GetJobUseCase,
    @inject(ListJobsUseCase) private readonly listJobs: ListJobsUseCase,
    @inject(CancelJobUseCase) private readonly cancelJob: CancelJobUseCase,
  ) {}

  show = async (ctx: Context) => {
    ctx.body = toJobRunView(await this.getJob.execute(checkId(ctx.params.id)));
  };

  list = async (ctx: Context) => {
    const parsed = listQuery.safeParse(ctx.query);
    if (!parsed.success) {
      const problem = parsed.error.issues[0]!;
      const field = problem.code === 'unrecognized_keys' ? problem.keys.join(', ') : problem.path.join('.');
      throw new HttpError(400, 'invalid_query', `${field}: ${problem.code === 'unrecognized_keys' ? 'is not a known parameter' : problem.message}`);
    }
    ctx.body = { jobs: (await this.listJobs.execute(parsed.data)).map(toJobRunView) };
  };

  cancel = async (ctx: Context) => {
    ctx.body = toJobRunView(await this.cancelJob.execute(checkId(ctx.params.id)));
  };
}

function checkId(value: string | undefined): string {
  if (!jobId.safeParse(value).success) throw new HttpError(400, 'invalid_job_id', 'job id must be a UUID');
  return value!;
}
