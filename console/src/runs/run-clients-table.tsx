import type { RunClient } from '../api/types.js';
import { durationBetween, formatCount, formatDuration, formatTime, progressPercent, shortId, stepText } from '../shared/format.js';
import { hrefOf } from '../shared/router.js';
import { ProgressBar, StatusBadge, TableRegion } from '../shared/widgets.js';
import { storedLines } from './stored-text.js';

/**
 * Each client's share of a run: status (and its error), progress, what it stored or found,
 * its upstream traffic, its cursor before and after. Seven columns, so that it fits 1280 px:
 * related counts share a cell.
 */
export function RunClientsTable({ clients, kind }: { clients: RunClient[]; kind: string }) {
  // A reconcile's counts are findings, not rows stored.
  const outcome = kind === 'reconcile' ? 'Findings' : 'Stored';
  return (
    <TableRegion label="Clients of this run">
      <table class="run-clients stacks">
        <thead>
          <tr>
            <th scope="col">Client</th>
            <th scope="col">Status</th>
            <th scope="col">Progress</th>
            <th scope="col">{outcome}</th>
            <th scope="col">Upstream</th>
            <th scope="col">Cursor</th>
            <th scope="col">Time</th>
          </tr>
        </thead>
        <tbody>
          {clients.map((client) => (
            <tr key={client.slug} data-slug={client.slug}>
              <th scope="row">{client.slug}</th>
              <td data-label="Status">
                <div class="cell-stack">
                  <StatusBadge status={client.status} />
                  {client.waitingForBudgetSince && <span class="muted">waiting for its rate budget since {formatTime(client.waitingForBudgetSince)}</span>}
                  {client.coveredBy && (
                    <span class="muted">
                      covered by <a href={hrefOf({ page: 'run', id: client.coveredBy })}>run {shortId(client.coveredBy)}</a>
                    </span>
                  )}
                  {client.error && <span class="error-text">{client.error}</span>}
                </div>
              </td>
              <td data-label="Progress">
                <ProgressBar percent={progressPercent(client)} label={`${client.slug} ${kind} progress`} step={stepText(client)} />
              </td>
              <td data-label={outcome}>
                <div class="cell-stack">
                  {storedLines(client).map((line, index) => (
                    <span key={index} class={index === 0 && client.drift !== undefined ? 'drift' : undefined}>
                      {line}
                    </span>
                  ))}
                  {storedLines(client).length === 0 && <span>—</span>}
                  {client.warnings?.map((warning) => (
                    <span class="warning-text" key={warning}>
                      {warning}
                    </span>
                  ))}
                </div>
              </td>
              <td data-label="Upstream">
                <dl class="pairs">
                  <dt>pages</dt>
                  <dd>{formatCount(client.pages)}</dd>
                  <dt>requests</dt>
                  <dd>{formatCount(client.upstreamRequests)}</dd>
                  <dt>retries</dt>
                  <dd>{formatCount(client.retries)}</dd>
                  <dt>429s</dt>
                  <dd>{formatCount(client.rateLimited)}</dd>
                </dl>
              </td>
              <td data-label="Cursor">
                <dl class="pairs pairs--stacked mono">
                  <dt>before</dt>
                  <dd>{client.cursorBefore ?? '—'}</dd>
                  <dt>after</dt>
                  <dd>{client.cursorAfter ?? '—'}</dd>
                </dl>
              </td>
              <td data-label="Time">{formatDuration(durationBetween(client.startedAt, client.finishedAt))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}
