import { InvalidArgumentError, Option, type Command } from 'commander';
import { CLIENT_RUN_STATUSES, JOB_KINDS, type JobKind, JOB_STATUSES, JOB_TRIGGERS } from '../../../domain/jobs/job-run.js';
import type { JobFilter, JobRunView, RunClientView } from '../admin-api-client.js';
import { openSession } from '../cli-session.js';
import { formatTable } from '../output.js';
import { COUNTERS } from '../run-progress.js';
import { formatRunSummary } from '../run-summary.js';

export function registerJobsCommands(program: Command): void {
  const jobs = program.command('jobs').description('job runs: history, status, cancellation');

  jobs
    .command('list')
    .description('list job runs, newest first')
    .addOption(new Option('--kind <kind>', 'only this kind').choices(JOB_KINDS))
    .option('--slug <slug>', 'only runs started for this slug ("all" for the runs of every client)')
    .addOption(new Option('--status <status>', 'only runs in this status').choices(JOB_STATUSES))
    .addOption(new Option('--trigger <trigger>', 'only runs started this way').choices(JOB_TRIGGERS))
    .option('--limit <n>', 'at most this many (1–100, default 20)', wholeNumber)
    .action(async (filter: JobFilter, command: Command) => {
      const { api, output } = await openSession(command);
      output.result(await api.listJobs(filter), ({ jobs: list }) => (list.length ? jobsTable(list) : 'no jobs'));
    });

  jobs
    .command('show')
    .argument('<id>', 'the job id (printed when it was started)')
    .description("show a job run and each client's progress")
    .action(async (id: string, _options, command: Command) => {
      const { api, output } = await openSession(command);
      output.result(await api.getJob(id), formatRunSummary);
    });

  jobs
    .command('clients')
    .argument('<id>', 'the job id')
    .description("list every client of a job run with its status and counts (a large run's status shows only some)")
    .addOption(new Option('--status <status>', 'only clients in this status').choices(CLIENT_RUN_STATUSES))
    .action(async (id: string, options: { status?: string }, command: Command) => {
      const { api, output } = await openSession(command);
      const run = await api.getJob(id);
      const clients: RunClientView[] = [];
      for (let after: string | null | undefined; after !== null; ) {
        const page = await api.listRunClients(id, { status: options.status, after: after ?? undefined });
        clients.push(...page.clients);
        after = page.next;
      }
      output.result({ clients }, ({ clients: list }) => (list.length ? runClientsTable(run.kind, list) : 'no clients'));
    });

  jobs
    .command('cancel')
    .argument('<id>', 'the job id')
    .description('cancel a job run: a queued one never starts, a running one stops at its clients\' next checkpoint')
    .action(async (id: string, _options, command: Command) => {
      const { api, output } = await openSession(command);
      output.result(await api.cancelJob(id), (run) => `cancel requested for job ${run.id} (status now: ${run.status})`);
    });
}

function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a whole number');
  return Number(value);
}

function jobsTable(list: readonly JobRunView[]): string {
  return formatTable(
    [{ header: 'ID' }, { header: 'KIND' }, { header: 'SLUG' }, { header: 'STATUS' }, { header: 'TRIGGER' }, { header: 'CLIENTS', align: 'right' }, { header: 'REQUESTED' }, { header: 'FINISHED' }],
    list.map((run) => [run.id, run.kind, run.slug, run.status, run.trigger, String(run.summary?.clients ?? 0), run.requestedAt, run.finishedAt ?? '']),
  );
}

function runClientsTable(kind: JobKind, list: readonly RunClientView[]): string {
  const counters = COUNTERS[kind];
  return formatTable(
    [{ header: 'CLIENT' }, { header: 'STATUS' }, ...counters.map(([, label]) => ({ header: label.toUpperCase(), align: 'right' as const })), { header: 'ERROR' }],
    list.map((client) => [client.slug, client.status, ...counters.map(([key]) => String(client[key] ?? 0)), client.error ?? '']),
  );
}
