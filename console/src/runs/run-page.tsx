import { useCallback, useEffect, useState } from 'preact/hooks';
import type { JobRun, RunClient } from '../api/types.js';
import { useSession } from '../shared/console-context.js';
import { durationBetween, formatCount, formatDuration, formatTime, isFinished, shortId } from '../shared/format.js';
import { hrefOf } from '../shared/router.js';
import { usePolling } from '../shared/use-polling.js';
import { ErrorNotice, StatusBadge } from '../shared/widgets.js';
import { RunClientsTable } from './run-clients-table.js';

const PAGE_SIZE = 50;

/** The run summary's counters in words, singular and plural (a reconcile's `tickets`, `messages`, `contacts` are findings, not summed). */
const TOTAL_WORDS: Record<string, [string, string]> = {
  pages: ['page', 'pages'],
  tickets: ['ticket stored', 'tickets stored'],
  messages: ['message stored', 'messages stored'],
  skippedTickets: ['ticket skipped (deleted upstream)', 'tickets skipped (deleted upstream)'],
  listedTickets: ['ticket walked', 'tickets walked'],
  contacts: ['contact stored', 'contacts stored'],
  tags: ['tag link', 'tag links'],
  deletedContacts: ['contact deleted', 'contacts deleted'],
  deletionsHeld: ['deletion held', 'deletions held'],
  upstreamRequests: ['upstream request', 'upstream requests'],
  retries: ['retry', 'retries'],
  rateLimited: ['429 waited out', '429s waited out'],
};

function totalText(name: string, count: number): string {
  const words = TOTAL_WORDS[name];
  return `${formatCount(count)} ${words ? words[count === 1 ? 0 : 1] : name}`;
}

/** One run: its state, per-client stats, errors, cursors; a large run's clients page by page. Live while it runs. */
export function RunPage({ id }: { id: string }) {
  const { api, describe } = useSession();
  const [run, setRun] = useState<JobRun | null>(null);
  const [listing, setListing] = useState<{ clients: RunClient[]; next: string | null } | null>(null);
  /** The `after` of each page visited, to go back: [null] on the first. */
  const [pages, setPages] = useState<(string | null)[]>([null]);
  const [error, setError] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const after = pages.at(-1) ?? null;

  const load = useCallback(async () => {
    try {
      const loaded = await api.getRun(id);
      setRun(loaded);
      // Every client is in the run itself up to 100; a larger run is read through its listing, a page at a time.
      setListing(loaded.clients.complete && after === null ? null : await api.runClients(id, after, PAGE_SIZE));
      setError(null);
    } catch (caught) {
      setError(describe(caught));
    }
  }, [api, id, after]);

  useEffect(() => {
    void load();
  }, [load]);
  usePolling(load, 1500, run !== null && !isFinished(run.status), `${id}:${after}`);

  const cancel = async () => {
    setCancelling(true);
    try {
      setRun(await api.cancelRun(id));
    } catch (caught) {
      setError(describe(caught));
    } finally {
      setCancelling(false);
    }
  };

  if (!run) {
    return (
      <section>
        <ErrorNotice error={error} />
        {!error && <p class="loading">Loading run…</p>}
      </section>
    );
  }

  const clients = listing?.clients ?? Object.entries(run.stats).map(([slug, stats]) => ({ slug, ...stats }));
  const cancellable = run.status === 'queued' || run.status === 'running';
  return (
    <section aria-labelledby="run-title">
      <p>
        <a href={hrefOf({ page: 'runs' })}>← All runs</a>
      </p>
      <div class="page-head">
        <h1 id="run-title">
          {run.kind} · {run.slug} <span class="muted mono">{shortId(run.id)}</span>
        </h1>
        <div class="actions">
          <span aria-live="polite" class="run-status">
            Run status: <StatusBadge status={run.status} />
          </span>
          {cancellable && (
            <button type="button" class="danger" onClick={cancel} disabled={cancelling || run.cancelRequestedAt !== null}>
              {run.cancelRequestedAt ? 'Cancelling…' : 'Cancel run'}
            </button>
          )}
        </div>
      </div>
      <ErrorNotice error={error} />
      <dl class="facts">
        <dt>Trigger</dt>
        <dd>{run.trigger}</dd>
        <dt>Requested</dt>
        <dd>{formatTime(run.requestedAt)}</dd>
        <dt>Started</dt>
        <dd>{formatTime(run.startedAt)}</dd>
        <dt>Finished</dt>
        <dd>{formatTime(run.finishedAt)}</dd>
        <dt>Duration</dt>
        <dd>{formatDuration(durationBetween(run.startedAt, run.finishedAt))}</dd>
        {run.cancelRequestedAt && (
          <>
            <dt>Cancel requested</dt>
            <dd>{formatTime(run.cancelRequestedAt)}</dd>
          </>
        )}
        {run.summary && (
          <>
            <dt>Clients</dt>
            <dd>
              {formatCount(run.summary.clients)} ({Object.entries(run.summary.byStatus).filter(([, count]) => count > 0).map(([status, count]) => `${count} ${status}`).join(', ') || 'none'})
            </dd>
            <dt>Totals</dt>
            <dd>
              {Object.entries(run.summary.totals)
                .filter(([, count]) => count > 0)
                .map(([name, count]) => totalText(name, count))
                .join(' · ') || 'nothing yet'}
            </dd>
          </>
        )}
      </dl>
      {run.error && (
        <div class="notice notice--error">
          <h2>Errors</h2>
          <pre class="error-text">{run.error}</pre>
        </div>
      )}
      <h2>Clients</h2>
      {clients.length === 0 ? (
        <p class="muted">{run.summary ? 'This run has no clients.' : run.status === 'queued' ? 'Waiting to be fanned out to its clients…' : 'No client was processed.'}</p>
      ) : (
        <RunClientsTable clients={clients} kind={run.kind} />
      )}
      {listing && (
        <nav class="pager" aria-label="Pages of this run’s clients">
          <button type="button" class="secondary" disabled={pages.length === 1} onClick={() => setPages(pages.slice(0, -1))}>
            Previous clients
          </button>
          <span class="muted">
            Page {pages.length}
            {run.summary ? ` of ${Math.max(1, Math.ceil(run.summary.clients / PAGE_SIZE))}` : ''}
          </span>
          <button type="button" class="secondary" disabled={!listing.next} onClick={() => listing.next && setPages([...pages, listing.next])}>
            Next clients
          </button>
        </nav>
      )}
    </section>
  );
}
