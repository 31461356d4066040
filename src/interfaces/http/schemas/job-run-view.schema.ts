import { z } from 'zod';
import { CLIENT_RUN_STATUSES as STATUS_LIST, JOB_KINDS, RECONCILE_PHASES, JOB_STATUSES, JOB_TRIGGERS, SUMMED_COUNTERS, type ClientRunStatus } from '../../../domain/jobs/job-run.js';

const count = z.int().min(0);
// An object rather than a list, so that a status added to the domain type fails to compile here.
const CLIENT_RUN_STATUSES = { queued: 'queued', running: 'running', succeeded: 'succeeded', failed: 'failed', cancelled: 'cancelled' } as const satisfies { [S in ClientRunStatus]: S };

const updatedAtWindow = z.strictObject({ from: z.iso.datetime(), to: z.iso.datetime() }).describe('A window of `updatedAt`, both ends inclusive');

/** A reconcile's ticket counts (ReconcileFindings). */
const reconcileTicketsSchema = z
  .strictObject({
    upstream: count.describe('Tickets the upstream lists as updated in [IMPORT_START_AT or the beginning, the cursor], less those that moved past the cursor'),
    stored: count.describe('Stored tickets updated in the same window, not flagged deleted (`deleted_at`)'),
    missing: count.describe('Tickets the upstream lists and the database lacks (the stretches where the counts differ, listed in full; a stretch too wide to list counts what its counts say)'),
    goneUpstream: count.describe('Stored tickets, not flagged deleted, whose messages answer 404: deleted upstream; a repair flags them (`deleted_at`)'),
    window: updatedAtWindow.nullable().describe('Where the missing tickets are: a window covering all of them; null when none is missing'),
    windows: z.array(updatedAtWindow).optional().describe('When the missing tickets lie in separate stretches: each of them, about a page of tickets each (what a repair re-imports)'),
  })
  .describe('Reconciles only');

/** One client's entry in a run's `stats` (`ClientRunStats`), as stored at its latest checkpoint. */
export const clientRunStatsSchema = z
  .strictObject({
    status: z.enum(CLIENT_RUN_STATUSES),
    startedAt: z.iso.datetime().optional().describe('When this client’s work began (inside its lock); its first attempt’s when the work was resumed after an interruption, the counts then adding up over the attempts'),
    finishedAt: z.iso.datetime().optional(),
    pages: count,
    tickets: z.union([count, reconcileTicketsSchema]).optional().describe('Imports and backfills: tickets stored; reconciles: the ticket counts compared'),
    messages: z
      .union([count, z.strictObject({ sampled: count, mismatched: count.describe('Sampled tickets whose upstream message count differs from the stored one (or whose messages answer 404)') })])
      .optional()
      .describe('Imports and backfills: messages stored; reconciles: the sampled message counts compared'),
    skippedTickets: count.optional().describe('Imports only: tickets deleted upstream after they were listed (their messages answered 404)'),
    listedTickets: count.optional().describe('Imports only: tickets walked so far, changed or not; heads for expectedTickets'),
    expectedTickets: count.nullable().optional().describe('Imports only: the upstream’s count of tickets updated since the cursor as the work began — an estimate for progress (tickets change while they are walked); null when the upstream gives no count'),
    contacts: z
      .union([count, z.strictObject({ upstream: count.nullable().describe('`meta.total` of the contacts listing; null when it gives none'), stored: count.describe('Stored contacts whose deleted_at is null') })])
      .optional()
      .describe('Contacts syncs: contacts stored; reconciles: the contact counts compared'),
    expectedContacts: count.nullable().optional().describe('Contacts syncs only: contacts left in the pass as the work began (the upstream’s count, less the pages already stored) — an estimate for progress; null when the upstream gives no count'),
    tags: count.optional().describe('Contacts syncs only: tag links stored (each contact’s tags, counted once per contact and page), not distinct tags'),
    deletedContacts: count.optional().describe('Contacts syncs only'),
    deletionsHeld: count.optional().describe('Contacts syncs only: contacts the completed pass proved missing upstream but did not mark deleted, because they were more than CONTACTS_DELETE_GUARD of the live ones (and more than 10); the next complete pass that finds them missing deletes them'),
    warnings: z.array(z.string()).optional().describe('Contacts syncs only: why the completed pass marked fewer contacts deleted than it could have (the deletion guard, an empty first page, a listing cut short, an upstream failure while looking again)'),
    upstreamRequests: count,
    retries: count,
    rateLimited: count.describe('Upstream 429 answers waited out'),
    cursorBefore: z.string().nullable().describe('The client’s cursor when the work began: an ISO-8601 timestamp (imports) or a page number (contacts syncs)'),
    cursorAfter: z.string().nullable(),
    error: z.string().optional().describe('Why this client failed or was cancelled'),
    waitingForBudgetSince: z.iso
      .datetime()
      .optional()
      .describe('Present while the client’s requests wait for its rate budget (its requests of the last minute used it up) or for the upstream’s Retry-After: since when'),
    coveredBy: z.guid().optional().describe('Set when a later-started run of this client already did the work: the run that did it'),
    drift: z.boolean().optional().describe('Reconciles only: whether tickets are missing or gone upstream (or their counts differ), sampled message counts differ or the contact counts differ'),
    repair: z
      .strictObject({
        window: updatedAtWindow.nullable().describe('The window re-imported (covering every drift window)'),
        complete: z.boolean().describe('Whether the check after the repair found nothing missing: no ticket, no sampled message and no contact the upstream has and the database lacks'),
      })
      .optional()
      .describe('Reconciles with repair of a client with drift'),
    rowsStored: z
      .strictObject({ tickets: count, messages: count, contacts: count, deletedTickets: count.describe('Flagged deleted upstream'), deletedContacts: count })
      .optional()
      .describe('Reconciles only: the rows its incremental import and its repair wrote (what the change feed announces)'),
    missingRows: z
      .strictObject({ tickets: count, messages: count.describe('Over the sampled tickets'), contacts: count })
      .optional()
      .describe('Reconciles only: what the last check found missing (after the repair, when it repaired): what `helpdesk_importer_reconcile_missing_rows` shows'),
    step: z
      .strictObject({
        phase: z.enum(RECONCILE_PHASES).describe('import: its incremental import; check: the stored data set against the upstream; repair: the drift windows re-imported; recheck: the check after the repair'),
        done: count.describe('import: tickets walked; check and recheck: its requests made (bisection probes and sampled tickets’ message counts); repair: drift windows re-imported'),
        total: count.nullable().describe('import: tickets expected (null: the upstream gives no count); check and recheck: at most that many requests, the probe budget (64) plus RECONCILE_SAMPLE (a check with little to bisect ends before spending its budget); repair: drift windows found'),
      })
      .optional()
      .describe('Reconciles only: the step it is at, updated as it goes (the last one reached, once finished)'),
  })
  .describe('One client’s progress in a run, updated at every checkpoint');

/** Counts over all the clients of a run. */
export const runSummarySchema = z
  .strictObject({
    clients: count.describe('Clients in the run'),
    byStatus: z.strictObject(Object.fromEntries(STATUS_LIST.map((status) => [status, count])) as Record<ClientRunStatus, typeof count>).describe('Clients in each status'),
    totals: z.strictObject(Object.fromEntries(SUMMED_COUNTERS.map((key) => [key, count])) as Record<(typeof SUMMED_COUNTERS)[number], typeof count>).describe('Each counter summed over the clients'),
  })
  .describe('Counts over every client of the run, however many');

/** What `toJobRunView` returns. */
export const jobRunViewSchema = z
  .strictObject({
    id: z.guid(),
    kind: z.enum(JOB_KINDS),
    slug: z.string().describe('The client slug the run was asked for, or "all"'),
    status: z.enum(JOB_STATUSES),
    trigger: z.enum(JOB_TRIGGERS).describe('manual: the API, the CLI or an embedding service; schedule: a cron tick'),
    requestedAt: z.iso.datetime(),
    startedAt: z.iso.datetime().nullable(),
    finishedAt: z.iso.datetime().nullable(),
    cancelRequestedAt: z.iso.datetime().nullable(),
    params: z
      .strictObject({
        from: z.iso.datetime().optional().describe('Backfills: the start of the window'),
        to: z.iso.datetime().optional().describe('Backfills: its end, when given (else the client’s cursor)'),
        repair: z.literal(true).optional().describe('Reconciles asked to repair'),
      })
      .describe('What the run was asked to do beyond its kind and slug; `{}` for imports and contacts syncs'),
    stats: z
      .record(z.string(), clientRunStatsSchema)
      .describe('One entry per client, keyed by its slug — every client of a run of up to 100; for a larger run the 100 updated most recently (see `summary` and `clients`)'),
    summary: runSummarySchema.nullable().describe('Null until the run has been fanned out to its clients, or when it targeted none'),
    clients: z.strictObject({ href: z.string(), complete: z.boolean().describe('Whether `stats` holds every client of the run') }).describe('Where to page through all the run’s clients'),
    error: z.string().nullable().describe('One line per failed client (the first 20, then how many more)'),
  })
  .describe('A run of a job: the resource every trigger’s Location names');

/** One client of a run, as its client listing shows it. */
export const runClientViewSchema = clientRunStatsSchema.extend({ slug: z.string() }).describe('One client’s share of a run');

/** The body of `GET /api/jobs/:id/clients`. */
export const runClientListSchema = z
  .strictObject({
    clients: z.array(runClientViewSchema).describe('In slug order'),
    next: z.string().nullable().describe('Pass as `after` for the next page; null on the last page'),
  })
  .describe('A page of a run’s clients');

/** The body of `GET /api/jobs`. */
export const jobRunListSchema = z.strictObject({
  jobs: z.array(jobRunViewSchema).describe('Newest first'),
  next: z.guid().nullable().describe('Pass as `before` for the next page; null when this page is not full (the last one)'),
});
