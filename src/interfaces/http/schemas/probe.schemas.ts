import { z } from 'zod';

/** The body of `GET /api/health`. */
export const healthSchema = z.strictObject({ status: z.literal('ok') });

/** What the readiness check found, one flag per dependency. */
export const readinessChecksSchema = z.strictObject({
  database: z.boolean().describe('The database answers'),
  migrations: z.boolean().describe('Every migration is applied'),
  queue: z.boolean().describe('The job queue’s schema is there'),
});

/** `GET /api/ready` when the service can do its work. */
export const readySchema = z.strictObject({ status: z.literal('ready'), checks: readinessChecksSchema });

/** `GET /api/ready` when it cannot: `checks` names what is missing. */
export const notReadySchema = z.strictObject({ status: z.literal('not_ready'), checks: readinessChecksSchema });
