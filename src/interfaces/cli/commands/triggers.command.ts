import type { Command } from 'commander';
import type { AdminApiClient, JobRunView, StartedJob } from '../admin-api-client.js';
import { DriftFoundError, InterruptedError, JobFailedError, NotFoundError, UsageError } from '../cli-errors.js';
import { openSession, type CliSession } from '../cli-session.js';
import { EXIT_CODES } from '../exit-codes.js';
import { createProgressView } from '../progress.js';
import { formatRunSummary } from '../run-summary.js';
import { waitForRun } from '../wait-for-run.js';

interface TriggerOptions {
  wait?: boolean;
}

interface ReconcileOptions extends TriggerOptions {
  repair?: boolean;
}

interface BackfillOptions extends TriggerOptions {
  from: string;
  to?: string;
}

const TRIGGERS: { name: string; description: string; start: (api: AdminApiClient, slug: string | undefined) => Promise<StartedJob> }[] = [
  { name: 'import', description: 'import the tickets and messages of a client, or of all active clients', start: (api, slug) => api.startImport(slug) },
  { name: 'sync-contacts', description: 'synchronise the contacts and tags of a client, or of all active clients', start: (api, slug) => api.startContactsSync(slug) },
];

export function registerTriggerCommands(program: Command): void {
  for (const { name, description, start } of TRIGGERS) {
    program
      .command(name)
      .argument('[slug]', 'one client; all active clients when omitted')
      .description(description)
      .option('--wait', 'follow the job with a progress bar until it ends, then print a summary per client')
      .action(async (slug: string | undefined, options: TriggerOptions, command: Command) => {
        const target = checkSlug(slug);
        const session = await openSession(command);
        await trigger(session, await start(session.api, target), options);
      });
  }
  program
    .command('reconcile')
    .argument('[slug]', 'one client; all active clients when omitted')
    .description('check that the data of a client, or of all active clients, is complete against the upstream (an incremental import first)')
    .option('--repair', 're-import what drifted, then check again')
    .option('--wait', `follow the job until it ends, then print a summary per client; exits ${EXIT_CODES.drift} when a client drifted and no --repair made it complete`)
    .action(async (slug: string | undefined, options: ReconcileOptions, command: Command) => {
      const target = checkSlug(slug);
      const session = await openSession(command);
      const run = await trigger(session, await session.api.startReconcile(target, options.repair === true), options);
      if (run) await checkDrift(session.api, run);
    });
  program
    .command('backfill')
    .argument('<slug>', 'the client')
    .description('re-import the tickets of a client updated in a window, with all their messages; the import cursor stays where it is')
    .requiredOption('--from <ISO>', 'the window’s start, ISO-8601 (e.g. 2026-11-01T00:00:00Z)')
    .option('--to <ISO>', 'the window’s end, ISO-8601; default: the client’s cursor')
    .option('--wait', 'follow the job with a progress bar until it ends, then print a summary per client')
    .action(async (slug: string, options: BackfillOptions, command: Command) => {
      const target = checkSlug(slug)!;
      const session = await openSession(command);
      await trigger(session, await session.api.startBackfill(target, { from: options.from, ...(options.to ? { to: options.to } : {}) }), options);
    });
}

/** Clients the run's clients listing is read in pages of (the API's maximum). */
const RUN_CLIENTS_PAGE = 1000;
/** A drift message names at most this many clients, then how many more drifted. */
const DRIFTED_NAMED = 20;

/**
 * A reconcile that found drift no repair fixed is a failure for scripts, though its run
 * succeeded. Every client counts: a large run's `stats` hold only some, so its clients are
 * read page by page.
 */
async function checkDrift(api: AdminApiClient, run: JobRunView): Promise<void> {
  let entries: { slug: string; drift?: boolean; repair?: { complete: boolean } }[] = Object.entries(run.stats).map(([slug, stats]) => ({ slug, ...stats }));
  if (run.summary && run.summary.clients > entries.length) {
    entries = [];
    for (let after: string | undefined; ; ) {
      const page = await api.listRunClients(run.id, { limit: RUN_CLIENTS_PAGE, ...(after ? { after } : {}) });
      entries.push(...page.clients);
      if (!page.next) break;
      after = page.next;
    }
  }
  const drifted = entries.filter((entry) => entry.drift && !entry.repair?.complete).map((entry) => entry.slug);
  if (!drifted.length) return;
  const named = drifted.slice(0, DRIFTED_NAMED).join(', ') + (drifted.length > DRIFTED_NAMED ? ` and ${drifted.length - DRIFTED_NAMED} more clients` : '');
  throw new DriftFoundError(`job ${run.id}: the data of ${named} drifted from the upstream${run.params.repair ? ' and the repair did not make it complete' : ' (reconcile --repair re-imports it)'}`);
}

/** Starts the job; with --wait, follows it and returns the finished run (throwing when it did not succeed). */
async function trigger({ api, output }: CliSession, started: StartedJob, options: TriggerOptions): Promise<JobRunView | null> {
  if (!options.wait) {
    output.result(started, (job) => `${describeStart(job)}\nfollow it with: helpdesk-importer jobs show ${job.id}`);
    return null;
  }
  output.text(describeStart(started));
  const run = await followRun(api, started.id, output.json);
  output.result(run, formatRunSummary);
  // The API answers 202 for any slug (the contract); waiting, the CLI knows no client was processed.
  if (started.slug !== 'all' && run.status === 'succeeded' && !run.summary) throw new NotFoundError(`no active client with slug ${started.slug}`);
  if (run.status !== 'succeeded') {
    const failed = Object.entries(run.stats).filter(([, stats]) => stats.status === 'failed').map(([slug]) => slug);
    const unnamed = (run.summary?.byStatus.failed ?? 0) - failed.length;
    if (unnamed > 0) failed.push(`${unnamed} more`);
    throw new JobFailedError(`job ${run.id} ended ${run.status}${failed.length ? ` (failed: ${failed.join(', ')})` : ''}`);
  }
  return run;
}

/** Waits with live progress on stderr (none with --json); Ctrl-C stops the waiting, never the job. */
async function followRun(api: AdminApiClient, id: string, json: boolean): Promise<JobRunView> {
  const interrupted = new AbortController();
  const onSigint = () => interrupted.abort();
  process.on('SIGINT', onSigint);
  const view = json ? undefined : createProgressView(process.stderr);
  try {
    return await waitForRun(api, id, { signal: interrupted.signal, onUpdate: (run) => view?.update(run) });
  } catch (error) {
    if (interrupted.signal.aborted) throw new InterruptedError(`stopped waiting; job ${id} keeps running on the service. Follow it with: helpdesk-importer jobs show ${id}`);
    throw error;
  } finally {
    view?.stop();
    process.off('SIGINT', onSigint);
  }
}

/** `import "$SLUG"` with SLUG unset must not quietly become a job for every client. */
function checkSlug(slug: string | undefined): string | undefined {
  if (slug !== undefined && slug.trim() === '') throw new UsageError('the slug is empty: leave it out to start the job for every active client');
  return slug;
}

function describeStart(job: StartedJob): string {
  return `${job.message} (slug: ${job.slug})\njob id: ${job.id}\nstatus: ${job.statusUrl}`;
}
