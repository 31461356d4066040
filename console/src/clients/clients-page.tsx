import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Client, ClientActivity } from '../api/types.js';
import { useSession } from '../shared/console-context.js';
import { formatCount, isFinished } from '../shared/format.js';
import { navigate } from '../shared/router.js';
import { usePolling } from '../shared/use-polling.js';
import { ErrorNotice, TableRegion } from '../shared/widgets.js';
import { ClientForm } from './client-form.js';
import { ALL_CLIENTS_TRIGGERS, CLIENT_TRIGGERS, lastRunHeading } from './client-triggers.js';
import { LastRunCell } from './last-run-cell.js';
import { OptionalActionButton } from './optional-action-button.js';
import { availableActions, driftOf, showsDrift } from './optional-actions.js';

type Editing = { mode: 'closed' } | { mode: 'add' } | { mode: 'edit'; client: Client };

export function ClientsPage() {
  const { api, catalog, describe } = useSession();
  const [clients, setClients] = useState<Client[] | null>(null);
  const [activity, setActivity] = useState<Map<string, ClientActivity>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [editing, setEditing] = useState<Editing>({ mode: 'closed' });
  const actions = availableActions(catalog);
  const drift = showsDrift(catalog);

  const load = useCallback(async () => {
    try {
      const [list, status] = await Promise.all([api.listClients(), api.clientActivity()]);
      setClients(list.clients);
      setActivity(new Map(status.clients.map((entry) => [entry.slug, entry])));
      setError(null);
    } catch (caught) {
      setError(describe(caught));
    }
  }, [api]);

  useEffect(() => {
    void load();
  }, [load]);
  const anyLive = [...activity.values()].some((entry) => Object.values(entry.lastRuns).some((run) => !isFinished(run.status)));
  // Every 2 s while a run is under way; otherwise now and then, to show runs started elsewhere (the CLI, a schedule).
  usePolling(load, anyLive ? 2000 : 15_000, true, 'clients');

  /** Starts a run and opens its page; what the API refused is thrown, for a dialog to show beside its fields. */
  const start = async (path: string, body: unknown) => {
    setMessage(null);
    const { runId } = await api.trigger(path, body);
    navigate({ page: 'run', id: runId });
  };
  const trigger = async (path: string, body: unknown, what: string) => {
    try {
      await start(path, body);
    } catch (caught) {
      setError(`${what}: ${describe(caught)}`);
    }
  };

  const setActive = async (client: Client, active: boolean) => {
    try {
      await api.updateClient(client.slug, { active });
      setMessage(`${client.slug} is now ${active ? 'active' : 'inactive'}.`);
      await load();
    } catch (caught) {
      setError(describe(caught));
    }
  };

  return (
    <section aria-labelledby="clients-title">
      <div class="page-head">
        <h1 id="clients-title">Clients</h1>
        <div class="actions">
          {ALL_CLIENTS_TRIGGERS.map((all) => (
            <button type="button" key={all.path} onClick={() => trigger(all.path, undefined, all.label)}>
              {all.label}
            </button>
          ))}
          <button type="button" class="secondary" onClick={() => setEditing({ mode: 'add' })} aria-expanded={editing.mode === 'add'}>
            Add client
          </button>
          <button type="button" class="secondary" onClick={() => void load()}>
            Refresh
          </button>
        </div>
      </div>
      <ErrorNotice error={error} />
      {message && (
        <p class="notice" role="status">
          {message}
        </p>
      )}
      {editing.mode !== 'closed' && (
        <ClientForm
          key={editing.mode === 'edit' ? editing.client.slug : 'add'}
          editing={editing.mode === 'edit' ? editing.client : null}
          onCancel={() => setEditing({ mode: 'closed' })}
          onSaved={(saved) => {
            setEditing({ mode: 'closed' });
            setMessage(`${saved.slug} saved.`);
            void load();
          }}
        />
      )}
      {clients === null ? (
        <p class="loading">Loading clients…</p>
      ) : clients.length === 0 ? (
        <p class="muted">No clients yet: add one.</p>
      ) : (
        <TableRegion label="Clients">
          <table class="clients-table stacks">
            <thead>
              <tr>
                <th scope="col">Client</th>
                <th scope="col">Active</th>
                <th scope="col">Rate limit</th>
                <th scope="col">Last runs</th>
                <th scope="col">Stored</th>
                <th scope="col">Cursors</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {clients.map((client) => {
                const entry = activity.get(client.slug);
                return (
                  <tr key={client.slug} data-slug={client.slug}>
                    <th scope="row">
                      <span class="slug">{client.slug}</span>
                      <span class="muted">{client.name}</span>
                    </th>
                    <td data-label="Active">{client.active ? 'yes' : <span class="status status--inactive">no</span>}</td>
                    <td data-label="Rate limit">{client.requestsPerMinute === null ? <span class="muted">default</span> : `${formatCount(client.requestsPerMinute)}/min`}</td>
                    <td data-label="Last runs">
                      {/* One entry per kind, in one column: four kinds side by side would not fit 1280 px. */}
                      <dl class="last-runs">
                        {catalog.kinds.map((kind) => [
                          <dt key={`${kind}-k`}>{lastRunHeading(kind)}</dt>,
                          <dd key={`${kind}-v`}>
                            <LastRunCell slug={client.slug} kind={kind} run={entry?.lastRuns[kind]} />
                            {kind === 'reconcile' && drift && entry?.lastRuns.reconcile && <span class="drift">{driftOf(entry)}</span>}
                          </dd>,
                        ])}
                      </dl>
                    </td>
                    <td data-label="Stored">
                      {entry ? (
                        <dl class="pairs">
                          <dt>tickets</dt>
                          <dd>{formatCount(entry.stored.tickets)}</dd>
                          <dt>messages</dt>
                          <dd>{formatCount(entry.stored.messages)}</dd>
                          <dt>contacts</dt>
                          <dd>{formatCount(entry.stored.contacts)}</dd>
                        </dl>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td data-label="Cursors">
                      {entry && Object.keys(entry.cursors).length ? (
                        <dl class="pairs pairs--stacked">
                          {Object.entries(entry.cursors).map(([key, value]) => [<dt key={`${key}-k`}>{key}</dt>, <dd key={`${key}-v`}>{value}</dd>])}
                        </dl>
                      ) : (
                        <span class="muted">none</span>
                      )}
                    </td>
                    <td data-label="Actions">
                      <div class="row-actions">
                        {CLIENT_TRIGGERS.map((each) => (
                          <button type="button" key={each.label} aria-label={each.describe(client.slug)} disabled={!client.active} onClick={() => trigger(each.path(client.slug), each.body(client.slug), each.describe(client.slug))}>
                            {each.label}
                          </button>
                        ))}
                        {actions.map((action) => (
                          <OptionalActionButton key={action.label} action={action} slug={client.slug} onRun={start} />
                        ))}
                        <button type="button" class="secondary" aria-label={`Edit ${client.slug}`} onClick={() => setEditing({ mode: 'edit', client })}>
                          Edit
                        </button>
                        <button type="button" class="secondary" aria-label={`${client.active ? 'Deactivate' : 'Activate'} ${client.slug}`} onClick={() => setActive(client, !client.active)}>
                          {client.active ? 'Deactivate' : 'Activate'}
                        </button>
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableRegion>
      )}
    </section>
  );
}
