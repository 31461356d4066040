import { expect } from 'chai';
import pg from 'pg';
import { CHANGES_CHANNEL } from '../../src/infrastructure/pg/pg-change-feed.js';
import { consumeChanges, type ChangedTable } from '../../tools/change-feed/consume-changes.js';
import { generateDataset } from '../../tools/upstream-simulator/dataset.js';
import { UpstreamSimulator } from '../../tools/upstream-simulator/simulator.js';
import { insertClient, sql, testDatabaseUrl } from '../support/database.js';
import { useRunningApp, type RunningApp } from '../support/running-app.js';

const TABLES: ChangedTable[] = ['tickets', 'messages', 'contacts'];

describe('Change feed end to end (simulator → import → NOTIFY → a consumer reading by position)', function () {
  this.timeout(60_000);
  const running = useRunningApp();
  let app: RunningApp;
  let simulator: UpstreamSimulator;
  beforeEach(() => (app = running()));
  afterEach(() => simulator.close());

  it('when a consumer LISTENs and reads by change position during an import and a contacts sync, then it hears the checkpoints and ends with every stored row', async () => {
    simulator = new UpstreamSimulator({ seed: 3 });
    const baseUrl = await simulator.listen();
    simulator.addAccount('token-acme', 'acme', generateDataset(11, { tickets: 240, messagesPerTicket: 2, contacts: 130 }));
    simulator.addAccount('token-globex', 'globex', generateDataset(12, { tickets: 90, messagesPerTicket: 1, contacts: 0 }));
    await insertClient({ slug: 'acme', apiBaseUrl: baseUrl, apiToken: 'token-acme' });
    await insertClient({ slug: 'globex', apiBaseUrl: baseUrl, apiToken: 'token-globex' });

    // The consumer: on every notification (and once at the end) it reads each table from its last position.
    const listener = new pg.Client({ connectionString: testDatabaseUrl() });
    await listener.connect();
    const positions = new Map<ChangedTable, string>(TABLES.map((t) => [t, '0']));
    const seen = new Map<ChangedTable, Set<string>>(TABLES.map((t) => [t, new Set()]));
    const heard: { kind: string; slug: string; stored: { tickets: number; messages: number; contacts: number } }[] = [];
    let reading: Promise<void> = Promise.resolve();
    const readEverything = () =>
      (reading = reading.then(async () => {
        for (const table of TABLES) {
          positions.set(table, await consumeChanges(sql(), table, positions.get(table)!, (rows) => rows.forEach((r) => seen.get(table)!.add(String(r.id))), 50));
        }
      }));
    listener.on('notification', (n) => {
      heard.push(JSON.parse(n.payload!));
      void readEverything();
    });
    await listener.query(`LISTEN ${CHANGES_CHANNEL}`);
    try {
      await app.request('POST', '/api/jobs/import');
      await app.request('POST', '/api/admin/sync/contacts');
      await app.jobsIdle();
      await readEverything();

      const imports = heard.filter((h) => h.kind === 'import');
      expect(imports.length).to.be.greaterThan(2);
      expect(imports.filter((h) => h.slug === 'acme').reduce((sum, h) => sum + h.stored.tickets, 0)).to.equal(240);
      expect(heard.filter((h) => h.kind === 'contacts-sync').reduce((sum, h) => sum + h.stored.contacts, 0)).to.equal(130);
      for (const table of TABLES) {
        const stored = (await sql().query<{ id: string }>(`SELECT id FROM ${table}`)).rows.map((r) => r.id);
        expect([...seen.get(table)!].sort(), table).to.deep.equal(stored.sort());
      }
      expect(seen.get('tickets')!.size).to.equal(330);
      expect(seen.get('messages')!.size).to.equal(240 * 2 + 90);
    } finally {
      await listener.end();
    }
  });
});
