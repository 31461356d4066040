import { z } from 'zod';
import { CLIENT_RUN_STATUSES, JOB_KINDS, JOB_STATUSES, JOB_TRIGGERS } from '../../../domain/jobs/job-run.js';

/** The `:id` of a run's routes. */
export const jobIdSchema = z.uuid();

/** The query string of `GET /api/jobs`: any other parameter is refused. */
export const jobRunListQuerySchema = z.strictObject({
  kind: z.enum(JOB_KINDS, { error: `must be one of ${JOB_KINDS.join(', ')}` }).optional(),
  slug: z.string().min(1).max(200).optional(),
  status: z.enum(JOB_STATUSES, { error: `must be one of ${JOB_STATUSES.join(', ')}` }).optional(),
  trigger: z.enum(JOB_TRIGGERS, { error: `must be one of ${JOB_TRIGGERS.join(', ')}` }).optional(),
  before: z.uuid({ error: 'must be a run id (a UUID)' }).optional(),
  limit: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(100, 'must be at most 100').default(20),
});

/** The query string of `GET /api/jobs/:id/clients`: any other parameter is refused. */
export const runClientListQuerySchema = z.strictObject({
  status: z.enum(CLIENT_RUN_STATUSES, { error: `must be one of ${CLIENT_RUN_STATUSES.join(', ')}` }).optional(),
  after: z.string().min(1).max(200).optional(),
  limit: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(1000, 'must be at most 1000').default(100),
});
