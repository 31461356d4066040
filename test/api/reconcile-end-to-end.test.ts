import { expect } from 'chai';
import { differencesFromUpstream } from '../../tools/shared/verify-against-simulator.js';
import { generateDataset, type Dataset } from '../../tools/upstream-simulator/dataset.js';
import { UpstreamSimulator } from '../../tools/upstream-simulator/simulator.js';
import { insertClient, sql, truncateAll } from '../support/database.js';
import { startApp, type RunningApp } from '../support/running-app.js';

const TOKEN = 'reconcile-e2e-token-123456';
const JSON_TYPE = { 'content-type': 'application/json' };

describe('Reconcile and backfill end to end (HTTP API → simulator → PostgreSQL)', function () {
  this.timeout(60_000);
  let simulator: UpstreamSimulator;
  let dataset: Dataset;
  let app: RunningApp;
  let clientId: string;

  beforeEach(async () => {
    await truncateAll();
    simulator = new UpstreamSimulator({ seed: 5 });
    const baseUrl = await simulator.listen();
    dataset = generateDataset(61, { tickets: 400, messagesPerTicket: 3, contacts: 80 });
    simulator.addAccount(TOKEN, 'acme', dataset);
    app = await startApp();
    clientId = await insertClient({ slug: 'acme', apiBaseUrl: baseUrl, apiToken: TOKEN });
    await app.request('POST', '/api/jobs/import/acme');
    await app.request('POST', '/api/admin/sync/contacts?clientSlug=acme');
    await app.jobsIdle();
    expect(await differencesFromUpstream(sql(), clientId, dataset)).to.deep.equal([]);
  });
  afterEach(async () => {
    await app.jobsIdle();
    await app.close();
    await simulator.close();
  });

  /** Deletes rows behind the service's back: 6 tickets in a row (with their messages), 2 messages of other tickets, 3 contacts. */
  async function loseRows(): Promise<void> {
    await sql().query(
      `DELETE FROM tickets WHERE id IN (SELECT id FROM tickets WHERE client_id = $1 ORDER BY upstream_updated_at, external_uuid OFFSET 200 LIMIT 6)`,
      [clientId],
    );
    await sql().query(`DELETE FROM messages WHERE id IN (SELECT id FROM messages WHERE client_id = $1 ORDER BY external_id LIMIT 2)`, [clientId]);
    await sql().query(`DELETE FROM contacts WHERE id IN (SELECT id FROM contacts WHERE client_id = $1 ORDER BY external_id LIMIT 3)`, [clientId]);
  }

  async function finished(location: string) {
    await app.jobsIdle();
    return (await app.request('GET', location)).json();
  }

  async function metric(table: string): Promise<string | undefined> {
    const text = await (await app.request('GET', '/metrics', { token: null })).text();
    return text.split('\n').find((line) => line.startsWith(`helpdesk_importer_reconcile_missing_rows{client="acme",table="${table}"}`));
  }

  it('when the database matches the upstream, then a reconcile finds no drift, in a few dozen requests', async () => {
    const response = await app.request('POST', '/api/jobs/reconcile/acme');
    expect(response.status).to.equal(202);
    expect(await response.json()).to.deep.equal({ message: 'Reconcile job started', slug: 'acme' });

    const run = await finished(response.headers.get('location')!);

    expect(run).to.include({ kind: 'reconcile', status: 'succeeded' });
    const stats = run.stats.acme;
    expect(stats.drift).to.equal(false);
    expect(stats.tickets).to.deep.equal({ upstream: 400, stored: 400, missing: 0, goneUpstream: 0, window: null });
    expect(stats.messages).to.deep.equal({ sampled: 20, mismatched: 0 });
    expect(stats.contacts).to.deep.equal({ upstream: 80, stored: 80 });
    // The import, the tail, the count, the survey's 4 probes down to 5 stretches of a page at most, each listed once, the tail again, 20 message counts, the contacts.
    expect(stats.upstreamRequests).to.equal(1 + 1 + 1 + 4 + 5 + 1 + 20 + 1);
    expect(await metric('tickets')).to.match(/ 0$/);
  });

  it('when rows were deleted from the database behind the service’s back, then a reconcile finds them and stores nothing; ?repair=true restores them and says the repair is complete', async () => {
    await loseRows();

    const found = (await finished((await app.request('POST', '/api/jobs/reconcile/acme')).headers.get('location')!)).stats.acme;

    expect(found.drift).to.equal(true);
    expect(found.tickets).to.include({ upstream: 400, stored: 394, missing: 6 });
    expect(found.tickets.window).to.not.equal(null);
    expect(found.contacts).to.deep.equal({ upstream: 80, stored: 77 });
    expect(await metric('tickets')).to.match(/ 6$/);
    expect(await metric('contacts')).to.match(/ 3$/);
    expect(await differencesFromUpstream(sql(), clientId, dataset)).to.not.deep.equal([]);

    const response = await app.request('POST', '/api/jobs/reconcile/acme?repair=true');
    const repaired = await finished(response.headers.get('location')!);

    expect(repaired.params).to.deep.equal({ repair: true });
    expect(repaired.stats.acme.repair.complete).to.equal(true);
    // The checkpoints of the re-imported windows are gone with the repair.
    expect((await sql().query(`SELECT key FROM sync_cursors WHERE client_id = $1 AND key LIKE 'reconcile:%'`, [clientId])).rows).to.deep.equal([]);
    expect(await metric('tickets')).to.match(/ 0$/);
    expect(await metric('contacts')).to.match(/ 0$/);
    // The tickets and contacts are back; messages outside the sample are a backfill's job.
    const left = await differencesFromUpstream(sql(), clientId, dataset);
    expect(left.filter((problem) => !problem.startsWith('messages'))).to.deep.equal([]);
  });

  it('when rows were deleted from the database, then a backfill of the whole window restores every one of them, and the import cursor stays where it was', async () => {
    const cursorBefore = (await sql().query(`SELECT value FROM sync_cursors WHERE client_id = $1 AND key = 'tickets:lastImportAt'`, [clientId])).rows[0].value;
    await loseRows();
    await sql().query(`UPDATE messages SET body = 'edited by hand' WHERE id IN (SELECT id FROM messages WHERE client_id = $1 ORDER BY external_id DESC LIMIT 1)`, [clientId]);

    const response = await app.request('POST', '/api/jobs/backfill/acme', { headers: JSON_TYPE, body: JSON.stringify({ from: '1970-01-01T00:00:00.000Z' }) });
    expect(response.status).to.equal(202);
    expect(await response.json()).to.deep.equal({ message: 'Backfill job started', slug: 'acme' });
    const run = await finished(response.headers.get('location')!);

    expect(run).to.include({ kind: 'backfill', status: 'succeeded' });
    expect(run.params).to.deep.equal({ from: '1970-01-01T00:00:00.000Z' });
    expect(await differencesFromUpstream(sql(), clientId, dataset, false)).to.deep.equal([]);
    const edited = await sql().query(`SELECT count(*)::int AS n FROM messages WHERE client_id = $1 AND body = 'edited by hand'`, [clientId]);
    expect(edited.rows[0].n).to.equal(0);
    const cursors = await sql().query<{ key: string; value: string }>(`SELECT key, value FROM sync_cursors WHERE client_id = $1 AND (key LIKE 'tickets:%' OR key LIKE 'backfill:%')`, [clientId]);
    expect(cursors.rows).to.deep.equal([{ key: 'tickets:lastImportAt', value: cursorBefore }]);
  });

  it('when a ticket is deleted upstream, then a repair flags it deleted (its messages answer 404) and it is no longer counted stored', async () => {
    const [gone] = (await sql().query<{ uuid: string }>(`SELECT external_uuid AS uuid FROM tickets WHERE client_id = $1 ORDER BY upstream_updated_at, external_uuid OFFSET 10 LIMIT 1`, [clientId])).rows;
    // The first of the 20 sampled (rank ⌊0.5 · 400 / 20⌋ = 10).
    simulator.deleteTicket(TOKEN, gone!.uuid);

    const run = await finished((await app.request('POST', '/api/jobs/reconcile/acme', { headers: JSON_TYPE, body: JSON.stringify({ repair: true }) })).headers.get('location')!);

    expect(run.stats.acme.messages.mismatched).to.equal(1);
    expect(run.stats.acme.repair.complete).to.equal(true);
    const flagged = await sql().query(`SELECT deleted_at IS NOT NULL AS deleted FROM tickets WHERE client_id = $1 AND external_uuid = $2`, [clientId, gone!.uuid]);
    expect(flagged.rows).to.deep.equal([{ deleted: true }]);
  });

  it('when a ticket is deleted upstream and another lost from the database, so that the counts agree, then a repair restores the one and flags the other', async () => {
    const ranked = async (rank: number) => (await sql().query<{ uuid: string }>(`SELECT external_uuid AS uuid FROM tickets WHERE client_id = $1 ORDER BY upstream_updated_at, external_uuid OFFSET $2 LIMIT 1`, [clientId, rank])).rows[0]!.uuid;
    // Neither is among the 20 sampled (ranks 10, 30, … 390).
    const [gone, lost] = [await ranked(100), await ranked(300)];
    simulator.deleteTicket(TOKEN, gone);
    await sql().query(`DELETE FROM tickets WHERE client_id = $1 AND external_uuid = $2`, [clientId, lost]);

    const run = await finished((await app.request('POST', '/api/jobs/reconcile/acme?repair=true')).headers.get('location')!);

    expect(run.stats.acme.tickets).to.include({ upstream: 399, stored: 399, missing: 1, goneUpstream: 1 });
    expect(run.stats.acme.repair.complete).to.equal(true);
    const rows = await sql().query(`SELECT external_uuid AS uuid, deleted_at IS NOT NULL AS deleted FROM tickets WHERE client_id = $1 AND external_uuid = ANY($2) ORDER BY upstream_updated_at`, [clientId, [gone, lost]]);
    expect(rows.rows).to.deep.equal([{ uuid: gone, deleted: true }, { uuid: lost, deleted: false }]);
    expect(await metric('tickets')).to.match(/ 0$/);
  });
});
