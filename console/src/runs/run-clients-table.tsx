import type { RunClient } from '../api/types.js';
import { durationBetween, formatCount, formatDuration, formatTime, progressPercent, shortId } from '../shared/format.js';
import { storedText } from './stored-text.js';
import { hrefOf } from '../shared/router.js';
import { ProgressBar, StatusBadge, TableRegion } from '../shared/widgets.js';

/** Each client's share of a run: progress, counts, cursors before and after, its error. */
export function RunClientsTable({ clients, kind }: { clients: RunClient[]; kind: string }) {
  return (
    <TableRegion label="Clients of this run">
      <table class="run-clients stacks">
        <thead>
          <tr>
            <th scope="col">Client</th>
            <th scope="col">Status</th>
            <th scope="col">Progress</th>
            <th scope="col">Stored</th>
            <th scope="col">Pages</th>
            <th scope="col">Upstream requests</th>
            <th scope="col">Retries</th>
            <th scope="col">429s</th>
            <th scope="col">Cursor before</th>
            <th scope="col">Cursor after</th>
            <th scope="col">Time</th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          {clients.map((client) => (
            <tr key={client.slug} data-slug={client.slug}>
              <th scope="row">{client.slug}</th>
              <td data-label="Status">
                <div class="cell-stack">
                  <StatusBadge status={client.status} />
                  {client.waitingForBudgetSince && <span class="muted"> waiting for its rate budget since {formatTime(client.waitingForBudgetSince)}</span>}
                  {client.coveredBy && (
                    <span class="muted">
                      {' '}
                      covered by <a href={hrefOf({ page: 'run', id: client.coveredBy })}>run {shortId(client.coveredBy)}</a>
                    </span>
                  )}
                </div>
              </td>
              <td data-label="Progress">
                <ProgressBar percent={progressPercent(client)} label={`${client.slug} ${kind} progress`} />
              </td>
              <td data-label="Stored">{storedText(client)}</td>
              <td data-label="Pages">{formatCount(client.pages)}</td>
              <td data-label="Upstream requests">{formatCount(client.upstreamRequests)}</td>
              <td data-label="Retries">{formatCount(client.retries)}</td>
              <td data-label="429s">{formatCount(client.rateLimited)}</td>
              <td class="mono" data-label="Cursor before">{client.cursorBefore ?? '—'}</td>
              <td class="mono" data-label="Cursor after">{client.cursorAfter ?? '—'}</td>
              <td data-label="Time">{formatDuration(durationBetween(client.startedAt, client.finishedAt))}</td>
              <td class="error-text" data-label="Error">{client.error ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}
