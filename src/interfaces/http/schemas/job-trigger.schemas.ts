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

const startedSlug = z.string().describe('The slug asked for, as given, or "all"');

export const importStartedSchema = z.strictObject({ message: z.literal('Import job started'), slug: startedSlug });

export const contactsSyncStartedSchema = z.strictObject({ message: z.literal('Contacts sync job started'), slug: startedSlug });
