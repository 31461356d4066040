import type { Command } from 'commander';
import type { AdminApiClient, JobRunView, StartedJob } from '../admin-api-client.js';
import { InterruptedError, JobFailedError, NotFoundError, UsageError } from '../cli-errors.js';
import { openSession, type CliSession } from '../cli-session.js';
import { createProgressView } from '../progress.js';
import { formatRunSummary } from '../run-summary.js';
import { waitForRun } from '../wait-for-run.js';

interface TriggerOptions {
  wait?: boolean;
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
}

async function trigger({ api, output }: CliSession, started: StartedJob, options: TriggerOptions): Promise<void> {
  if (!options.wait) {
    output.result(started, (job) => `${describeStart(job)}\nfollow it with: helpdesk-importer jobs show ${job.id}`);
    return;
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
