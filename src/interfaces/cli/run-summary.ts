import type { JobRunView } from './admin-api-client.js';
import { formatTable } from './output.js';
import { COUNTERS } from './run-progress.js';

/** A run for people: what it is, how it ended, and each client's counts and error. */
export function formatRunSummary(run: JobRunView): string {
  const lines = [
    `job ${run.id}: ${run.kind} of ${run.slug} (${run.trigger}), ${run.status}`,
    `requested ${run.requestedAt}${run.startedAt ? `, started ${run.startedAt}` : ''}${run.finishedAt ? `, finished ${run.finishedAt}` : ''}${elapsed(run)}`,
  ];
  if (run.cancelRequestedAt) lines.push(`cancel requested ${run.cancelRequestedAt}`);
  const clients = Object.entries(run.stats);
  if (clients.length === 0) {
    lines.push(run.status === 'succeeded' ? 'no client processed: the slug is unknown or inactive' : 'no client processed yet');
    return lines.join('\n');
  }
  const counters = COUNTERS[run.kind];
  lines.push(
    '',
    formatTable(
      [{ header: 'CLIENT' }, { header: 'STATUS' }, ...counters.map(([, label]) => ({ header: label.toUpperCase(), align: 'right' as const }))],
      clients.map(([slug, stats]) => [slug, stats.status, ...counters.map(([key]) => String(stats[key] ?? 0))]),
    ),
  );
  const notes = clients.flatMap(([slug, stats]) => [
    ...(stats.error ? [`  ${slug}: ${stats.error}`] : []),
    ...(stats.drift !== undefined ? [`  ${slug}: ${findingsText(stats)}`] : []),
    ...(stats.coveredBy ? [`  ${slug}: skipped, the work was done by job ${stats.coveredBy}`] : []),
  ]);
  if (notes.length) lines.push('', ...notes);
  if (!run.clients.complete && run.summary) {
    lines.push('', `showing ${clients.length} of ${run.summary.clients} clients; list them all with: helpdesk-importer jobs clients ${run.id}`);
  }
  return lines.join('\n');
}

function elapsed(run: JobRunView): string {
  if (!run.startedAt || !run.finishedAt) return '';
  return ` (${((Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000).toFixed(1)} s)`;
}

/** `drift: tickets 394 stored of 400 upstream, 6 missing in [from, to]; messages 1 of 20 sampled differ; contacts 77 stored of 80; repaired, complete` */
function findingsText(stats: JobRunView['stats'][string]): string {
  const parts: string[] = [stats.drift ? 'drift' : 'no drift'];
  const { tickets, messages, contacts } = stats;
  if (typeof tickets === 'object') {
    const missing = tickets.missing ? `, ${tickets.missing} missing${tickets.window ? ` in [${tickets.window.from}, ${tickets.window.to}]` : ''}` : '';
    const gone = tickets.goneUpstream ? `, ${tickets.goneUpstream} deleted upstream` : '';
    parts.push(`tickets ${tickets.stored} stored of ${tickets.upstream} upstream${missing}${gone}`);
  }
  if (typeof messages === 'object') parts.push(`messages ${messages.mismatched} of ${messages.sampled} sampled tickets differ`);
  if (typeof contacts === 'object') parts.push(`contacts ${contacts.stored} stored of ${contacts.upstream ?? '?'} upstream`);
  if (stats.repair) parts.push(stats.repair.complete ? 'repaired: complete' : 'repaired: still incomplete');
  return parts.join('; ');
}
