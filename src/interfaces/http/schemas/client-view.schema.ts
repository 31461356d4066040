import { z } from 'zod';

/** What `toClientView` returns. */
export const clientViewSchema = z
  .strictObject({
    id: z.guid(),
    slug: z.string(),
    name: z.string(),
    active: z.boolean().describe('Inactive clients are skipped by every run'),
    apiBaseUrl: z.string().describe('The base URL of the client’s helpdesk API'),
    apiToken: z
      .string()
      .regex(/^••••[\s\S]{0,4}$/)
      .describe('Write-only, so masked: "••••" and the last four characters of a token of 12 characters or more, "••••" alone for a shorter one')
      // Without an example, Swagger UI invents one from the pattern (such as "••••{").
      .meta({ examples: ['••••abcd'] }),
    requestsPerMinute: z
      .int()
      .positive()
      .nullable()
      .describe("This client's rate plan at the upstream, in requests per minute; null: the service default (EXTERNAL_API_REQUESTS_PER_MINUTE)"),
    webhookUrl: z.string().nullable().describe("This client's own webhook receiver, sent the events about this client in addition to the service's WEBHOOK_URL; null: none"),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .describe('A registered client (tenant)');

/** The body of `GET /api/admin/clients`. */
export const clientListSchema = z.strictObject({ clients: z.array(clientViewSchema) });
