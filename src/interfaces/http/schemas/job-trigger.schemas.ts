import { z } from 'zod';

/*
 * The triggers check their slugs by hand (JobsController's checkSlug); these schemas describe
 * what it accepts, for the documentation. The 202 bodies are the origin contract's, to the letter.
 */

/** A slug as a trigger takes it: as given, at most 200 characters, no control characters. */
export const triggerSlugSchema = z
  .string()
  .max(200)
  // eslint-disable-next-line no-control-regex
  .regex(/^[^\u0000-\u001f\u007f]*$/);

/** The optional JSON body of `POST /api/admin/sync/contacts`: other fields are ignored. */
export const contactsSyncBodySchema = z
  .looseObject({
    clientSlug: triggerSlugSchema.nullable().optional().describe('The client to sync; empty or null counts as absent'),
    slug: triggerSlugSchema.nullable().optional().describe('An alias of clientSlug, used when clientSlug is absent'),
  })
  .describe('Read only when the query string names no client');

const instant = z.iso.datetime({ offset: true, error: 'must be an ISO-8601 timestamp such as 2026-11-01T00:00:00.000Z' });

/** The JSON body of `POST /api/jobs/backfill/:slug`. */
export const backfillBodySchema = z
  .strictObject({
    from: instant.describe('Re-import the tickets updated at or after this instant'),
    to: instant.optional().describe('…and at or before this one; default: the client’s cursor (`tickets:lastImportAt`) as the backfill starts'),
  })
  // Only once both are valid timestamps: a format error is the field's message, never this one.
  .refine((body) => body.to === undefined || Date.parse(body.to) >= Date.parse(body.from), { path: ['to'], message: 'must not be before from', when: (payload) => bothInstants(payload.value) })
  .describe('The window of `updatedAt` to re-import, both ends inclusive');

function bothInstants(value: unknown): boolean {
  const body = value as { from?: unknown; to?: unknown } | null;
  return typeof body === 'object' && body !== null && instant.safeParse(body.from).success && (body.to === undefined || instant.safeParse(body.to).success);
}

/** The optional JSON body of the reconcile triggers. */
export const reconcileBodySchema = z
  .strictObject({ repair: z.boolean().optional().describe('Same as `?repair=true`: re-import what drifted, then check again') })
  .describe('Optional');

/** `?repair=` of the reconcile triggers. */
export const repairQuerySchema = z.enum(['true', 'false'], { error: 'must be true or false' });

const startedSlug = z.string().describe('The slug asked for, as given, or "all"');

export const importStartedSchema = z.strictObject({ message: z.literal('Import job started'), slug: startedSlug });

export const contactsSyncStartedSchema = z.strictObject({ message: z.literal('Contacts sync job started'), slug: startedSlug });

export const reconcileStartedSchema = z.strictObject({ message: z.literal('Reconcile job started'), slug: startedSlug });

export const backfillStartedSchema = z.strictObject({ message: z.literal('Backfill job started'), slug: startedSlug });
