import { z } from 'zod';
import { carriesCredentials } from '../../../domain/url-credentials.js';
import { webhookUrlProblem } from '../../../domain/webhooks/webhook-url.js';

/** A client's identity: in its path, its runs and its upstream cursors. */
export const clientSlugSchema = z
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
  .refine((url) => !carriesCredentials(url), 'must not contain credentials: the token goes in apiToken');
// Sent as `Authorization: Bearer <token>`: only characters an HTTP header can carry.
const apiToken = z
  .string({ error: 'must be a string' })
  .min(1, 'must not be empty')
  .max(4096, 'must be at most 4096 characters')
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');
const active = z.boolean({ error: 'must be true or false' });
/** The most a client's own rate plan may say; far above any real helpdesk plan, it only catches typos. */
export const MAX_REQUESTS_PER_MINUTE = 100_000;
const requestsPerMinute = z
  .int({ error: `must be a whole number from 1 to ${MAX_REQUESTS_PER_MINUTE}, or null for the service default` })
  .min(1, `must be a whole number from 1 to ${MAX_REQUESTS_PER_MINUTE}, or null for the service default`)
  .max(MAX_REQUESTS_PER_MINUTE, `must be a whole number from 1 to ${MAX_REQUESTS_PER_MINUTE}, or null for the service default`)
  .nullable()
  .describe("This client's rate plan at the upstream, in requests per minute; null: the service default (EXTERNAL_API_REQUESTS_PER_MINUTE)");

const webhookUrl = z
  .string({ error: 'must be an http(s) URL, or null for none' })
  .max(2000, 'must be at most 2000 characters')
  .refine(noControlCharacters, 'must not contain control characters')
  .superRefine((url, ctx) => {
    const problem = webhookUrlProblem(url);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .nullable()
  .describe("This client's own webhook receiver, sent the events about this client in addition to the service's WEBHOOK_URL; null: none");

/** The body of `POST /api/admin/clients`. */
export const newClientSchema = z.strictObject({ slug: clientSlugSchema, name, apiBaseUrl, apiToken, active: active.optional(), requestsPerMinute: requestsPerMinute.optional(), webhookUrl: webhookUrl.optional() }, { error: 'the body must be a JSON object' });

/** The body of `PATCH /api/admin/clients/:slug`: the slug itself never changes. */
export const clientChangesSchema = z.strictObject(
  { name: name.optional(), apiBaseUrl: apiBaseUrl.optional(), apiToken: apiToken.optional(), active: active.optional(), requestsPerMinute: requestsPerMinute.optional(), webhookUrl: webhookUrl.optional() },
  { error: 'the body must be a JSON object' },
);
