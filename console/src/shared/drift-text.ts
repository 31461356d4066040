import type { ClientRunStats, RowCounts } from '../api/types.js';
import { formatCount } from './format.js';

/**
 * A reconcile's verdict in a line: `no drift`; `drift: 5 tickets missing` and, when it
 * repaired, ` — repaired` or ` — repair incomplete, 2 tickets still missing`. Null when the
 * stats hold no findings (another kind, or a reconcile still importing).
 */
export function driftText(stats: ClientRunStats): string | null {
  if (stats.drift === undefined) return null;
  if (!stats.drift) return 'no drift';
  const found = `drift: ${whatDrifted(stats).join(', ')}`;
  if (!stats.repair) return found;
  if (stats.repair.complete) return `${found} — repaired`;
  const left = rowsText(stats.missingRows);
  return `${found} — repair incomplete${left ? `, ${left} still missing` : ''}`;
}

function whatDrifted({ tickets, messages, contacts }: ClientRunStats): string[] {
  const parts: string[] = [];
  if (typeof tickets === 'object') {
    if (tickets.missing) parts.push(`${plural(tickets.missing, 'ticket')} missing`);
    if (tickets.goneUpstream) parts.push(`${plural(tickets.goneUpstream, 'ticket')} gone upstream`);
    if (!tickets.missing && !tickets.goneUpstream && tickets.upstream !== tickets.stored) parts.push(`ticket counts differ`);
  }
  if (typeof messages === 'object' && messages.mismatched) parts.push(`messages differ on ${plural(messages.mismatched, 'sampled ticket')}`);
  if (typeof contacts === 'object' && contacts.upstream !== null && contacts.upstream !== contacts.stored) parts.push('contact counts differ');
  return parts.length ? parts : ['counts differ'];
}

function rowsText(rows: RowCounts | undefined): string {
  if (!rows) return '';
  return [plural(rows.tickets, 'ticket'), plural(rows.messages, 'message'), plural(rows.contacts, 'contact')].filter((_, i) => [rows.tickets, rows.messages, rows.contacts][i]! > 0).join(', ');
}

export function plural(count: number, noun: string): string {
  return `${formatCount(count)} ${noun}${count === 1 ? '' : 's'}`;
}
