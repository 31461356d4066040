import { z } from 'zod';
import { CLIENT_RUN_STATUSES } from '../../../domain/jobs/job-run.js';
import { clientRunStatsSchema } from './job-run-view.schema.js';

const count = z.int().min(0);

/** A client's share of its latest run of one kind. */
export const clientLastRunSchema = z
  .strictObject({
    runId: z.guid(),
    href: z.string().describe('The run: `GET` it for every client’s progress'),
    status: z.enum(CLIENT_RUN_STATUSES).describe('This client’s status in the run (not the run’s)'),
    requestedAt: z.iso.datetime().describe('When the run was asked for'),
    startedAt: z.iso.datetime().nullable().describe('When this client’s work began; null while queued, or when another run covered it'),
    finishedAt: z.iso.datetime().nullable(),
    durationMs: count.nullable().describe('finishedAt − startedAt; null until both are known'),
    error: z.string().nullable().describe('Why this client failed or was cancelled'),
    stats: clientRunStatsSchema,
  })
  .describe('A client’s share of the latest run of one kind it took part in');

/** What `toClientActivityView` returns. */
export const clientActivitySchema = z
  .strictObject({
    slug: z.string(),
    stored: z
      .strictObject({ tickets: count.describe('Not marked deleted'), messages: count, contacts: count.describe('Not marked deleted') })
      .describe('What the service holds of this client’s data'),
    cursors: z.record(z.string(), z.string()).describe('Every sync cursor of the client, by key: `tickets:lastImportAt` (ISO-8601), `contacts:page` (the last page stored of the pass under way, 0 between passes), `contacts:pass` (passes begun)'),
    lastRuns: z
      .record(z.string(), clientLastRunSchema)
      .describe('Keyed by run kind (`import`, `contacts-sync`, …); a kind the client never took part in (or whose runs were pruned) is absent'),
  })
  .describe('Where a client stands: stored data, cursors and latest runs');

/** The body of `GET /api/admin/client-activity`. */
export const clientActivityListSchema = z.strictObject({ clients: z.array(clientActivitySchema).describe('One entry per registered client, active or not, in slug order') });
