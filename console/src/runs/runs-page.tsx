import { useCallback, useEffect, useState } from 'preact/hooks';
import type { JobRun, RunFilter } from '../api/types.js';
import { useSession } from '../shared/console-context.js';
import { durationBetween, formatDuration, formatTime, isFinished, progressPercent, shortId, stepText } from '../shared/format.js';
import { hrefOf } from '../shared/router.js';
import { usePolling } from '../shared/use-polling.js';
import { ErrorNotice, ProgressBar, StatusBadge, TableRegion } from '../shared/widgets.js';

const PAGE_SIZE = 20;
/** Progress bars shown per running run in the list; its page shows them all. */
const BARS_IN_LIST = 5;

/** The history of runs, newest first, filtered; live while a run shown is queued or running. */
export function RunsPage() {
  const { api, catalog, describe } = useSession();
  const [filter, setFilter] = useState<RunFilter>({});
  const [slugText, setSlugText] = useState('');
  /** `before` of each page visited: [null] on the newest. */
  const [pages, setPages] = useState<(string | null)[]>([null]);
  const [runs, setRuns] = useState<JobRun[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const before = pages.at(-1) ?? null;

  const load = useCallback(async () => {
    try {
      const page = await api.listRuns(filter, before, PAGE_SIZE);
      setRuns(page.jobs);
      setNext(page.next);
      setError(null);
    } catch (caught) {
      setError(describe(caught));
    }
  }, [api, filter, before]);

  useEffect(() => {
    void load();
  }, [load]);
  // Every 2 s while a run shown is under way; otherwise now and then, to show new runs (only on the newest page).
  const anyLive = runs?.some((run) => !isFinished(run.status)) ?? false;
  usePolling(load, anyLive ? 2000 : 10_000, anyLive || before === null, `${JSON.stringify(filter)}:${before}`);

  const choose = (name: keyof RunFilter) => (event: Event) => {
    setFilter({ ...filter, [name]: (event.target as HTMLSelectElement).value || undefined });
    setPages([null]);
  };

  const cancel = async (run: JobRun) => {
    try {
      await api.cancelRun(run.id);
      await load();
    } catch (caught) {
      setError(describe(caught));
    }
  };

  const select = (name: keyof RunFilter, label: string, options: string[]) => (
    <div class="field">
      <label for={`filter-${name}`}>{label}</label>
      <select id={`filter-${name}`} value={filter[name] ?? ''} onChange={choose(name)}>
        <option value="">any</option>
        {options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </div>
  );

  return (
    <section aria-labelledby="runs-title">
      <h1 id="runs-title">Runs</h1>
      <form
        class="filters"
        role="search"
        aria-label="Filter runs"
        onSubmit={(event) => {
          event.preventDefault();
          setFilter({ ...filter, slug: slugText.trim() || undefined });
          setPages([null]);
        }}
      >
        {select('kind', 'Kind', catalog.kinds)}
        {select('status', 'Status', catalog.statuses)}
        {select('trigger', 'Trigger', catalog.triggers)}
        <div class="field">
          <label for="filter-slug">Slug</label>
          <input id="filter-slug" value={slugText} placeholder='a client, or "all"' onInput={(event) => setSlugText((event.target as HTMLInputElement).value)} />
        </div>
        <button type="submit" class="secondary">
          Apply
        </button>
      </form>
      <ErrorNotice error={error} />
      {runs === null ? (
        <p class="loading">Loading runs…</p>
      ) : runs.length === 0 ? (
        <p class="muted">No runs match.</p>
      ) : (
        <TableRegion label="Runs">
          <table class="runs-table stacks">
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Kind</th>
                <th scope="col">Slug</th>
                <th scope="col">Status</th>
                <th scope="col">Trigger</th>
                <th scope="col">Requested</th>
                <th scope="col">Duration</th>
                <th scope="col">Clients</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((run) => {
                const live = Object.entries(run.stats);
                return (
                  <tr key={run.id} data-run={run.id}>
                    <th scope="row">
                      <a href={hrefOf({ page: 'run', id: run.id })} class="mono">
                        {shortId(run.id)}
                      </a>
                    </th>
                    <td data-label="Kind">{run.kind}</td>
                    <td data-label="Slug">{run.slug}</td>
                    <td data-label="Status">
                      <StatusBadge status={run.status} />
                    </td>
                    <td data-label="Trigger">{run.trigger}</td>
                    <td data-label="Requested">{formatTime(run.requestedAt)}</td>
                    <td data-label="Duration">{formatDuration(durationBetween(run.startedAt, run.finishedAt))}</td>
                    <td data-label="Clients">
                      <div class="cell-stack">
                        {run.summary ? `${run.summary.byStatus.succeeded} of ${run.summary.clients} succeeded${run.summary.byStatus.failed ? `, ${run.summary.byStatus.failed} failed` : ''}` : '—'}
                        {run.status === 'running' &&
                          live.slice(0, BARS_IN_LIST).map(([slug, stats]) => (
                            <div class="mini-progress" key={slug}>
                              <span class="muted">{slug}</span>
                              <ProgressBar percent={progressPercent(stats)} label={`${slug} ${run.kind} progress`} step={stepText(stats)} />
                          </div>
                        ))}
                      {run.status === 'running' && live.length > BARS_IN_LIST && <span class="muted">and {live.length - BARS_IN_LIST} more</span>}
                      </div>
                    </td>
                    <td data-label="Actions">
                      {(run.status === 'queued' || run.status === 'running') && (
                        <button type="button" class="danger" aria-label={`Cancel run ${shortId(run.id)}`} disabled={run.cancelRequestedAt !== null} onClick={() => cancel(run)}>
                          {run.cancelRequestedAt ? 'Cancelling…' : 'Cancel'}
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableRegion>
      )}
      <nav class="pager" aria-label="Pages of runs">
        <button type="button" class="secondary" disabled={pages.length === 1} onClick={() => setPages(pages.slice(0, -1))}>
          Newer runs
        </button>
        <span class="muted">Page {pages.length}</span>
        <button type="button" class="secondary" disabled={!next} onClick={() => next && setPages([...pages, next])}>
          Older runs
        </button>
      </nav>
    </section>
  );
}
