/**
 * `npx tsx tools/bench/reconcile-cost.ts [tickets]`: the upstream requests a reconcile costs, counted (not timed, so the
 * machine's load does not matter). An embedded PostgreSQL, the upstream simulator and the service (its TypeScript
 * sources); one client of `tickets` tickets (default 10,000, two messages each) and 500 contacts, imported; then:
 * a reconcile of the intact data, one after a gap of 25 consecutive tickets is deleted from the database, one after
 * three gaps far apart, the repairs of both, then one ticket deleted upstream (never flagged) with another lost from the
 * database, which the counts alone would net out, and its repair. Prints the requests per endpoint as the simulator
 * received them.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/infrastructure/database/embedded-postgres.js';
import { startService } from '../shared/service-process.js';
import { generateDataset } from '../upstream-simulator/dataset.js';
import { UpstreamSimulator } from '../upstream-simulator/simulator.js';

const TICKETS = Number(process.argv[2] ?? 10_000);
const TOKEN = `acme-${randomBytes(6).toString('hex')}`;
const out = (line: string) => process.stdout.write(`${line}\n`);
/** A run not ended by then fails the bench instead of hanging it. */
const RUN_DEADLINE_MS = 15 * 60_000;

interface ClientStats {
  status: string;
  upstreamRequests: number;
  drift?: boolean;
  tickets?: unknown;
  messages?: unknown;
  contacts?: unknown;
  repair?: unknown;
  missingRows?: unknown;
}

async function main(): Promise<void> {
  const dir = join(tmpdir(), `helpdesk-importer-reconcile-cost-${process.pid}`);
  const database = await startEmbeddedPostgres({ dir, persistent: false, fast: true });
  const simulator = new UpstreamSimulator({ seed: 3 });
  const baseUrl = await simulator.listen();
  simulator.addAccount(TOKEN, 'acme', generateDataset(7, { tickets: TICKETS, messagesPerTicket: 2, contacts: 500 }));
  const adminToken = randomBytes(24).toString('base64url');
  const service = startService({ DATABASE_URL: database.url, PORT: '0', ADMIN_TOKEN: adminToken, DATA_DIR: dir, EXTERNAL_API_REQUESTS_PER_MINUTE: '10000000', JOB_POLL_INTERVAL_SECONDS: '0.5' });
  const db = new pg.Pool({ connectionString: database.url, max: 2 });
  try {
    const port = await service.listening;
    await service.working;
    const api = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`, {
        method,
        headers: { 'x-admin-token': adminToken, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { location: response.headers.get('location') ?? '', body: (await response.json()) as { status: string; stats: Record<string, ClientStats> } };
    };
    const runToEnd = async (path: string, body?: unknown) => {
      const { location } = await api('POST', path, body);
      for (const deadline = Date.now() + RUN_DEADLINE_MS; Date.now() < deadline; ) {
        const run = (await api('GET', location)).body;
        if (['succeeded', 'failed', 'cancelled'].includes(run.status)) return run;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error(`${path}: the run did not end within ${RUN_DEADLINE_MS / 60_000} minutes`);
    };
    /** Runs a job and counts the requests the simulator received for it, by endpoint. */
    const measured = async (label: string, path: string, body?: unknown) => {
      const before = simulator.requests.length;
      const run = await runToEnd(path, body);
      const received = simulator.requests.slice(before).filter((r) => r.token === TOKEN);
      const by = (test: (path: string) => boolean) => received.filter((r) => test(r.path)).length;
      const stats = run.stats.acme!;
      out(`${label}: ${run.status}, ${stats.upstreamRequests} upstream requests (ticket listings ${by((p) => p === '/ticket')}, message listings ${by((p) => p.endsWith('/messages'))}, contact listings ${by((p) => p === '/contact')})`);
      if (stats.drift !== undefined) out(`  ${JSON.stringify({ drift: stats.drift, tickets: stats.tickets, messages: stats.messages, contacts: stats.contacts, ...(stats.repair ? { repair: stats.repair } : {}), missingRows: stats.missingRows })}`);
      return stats;
    };
    const { rows } = await db.query<{ id: string }>(`INSERT INTO clients (slug, name, api_base_url, api_token) VALUES ('acme', 'Acme', $1, $2) RETURNING id`, [baseUrl, TOKEN]);
    const clientId = rows[0]!.id;
    /** Deletes `count` consecutive tickets (and their messages) from the database, from rank `offset` in updatedAt order. */
    const loseTickets = (offset: number, count: number) =>
      db.query(`DELETE FROM tickets WHERE id IN (SELECT id FROM tickets WHERE client_id = $1 ORDER BY upstream_updated_at, external_uuid OFFSET $2 LIMIT $3)`, [clientId, offset, count]);

    out(`one client, ${TICKETS} tickets × 2 messages, 500 contacts`);
    await measured('first import', '/api/jobs/import/acme');
    await measured('contacts sync', '/api/admin/sync/contacts?clientSlug=acme');
    await measured('reconcile, nothing missing', '/api/jobs/reconcile/acme');
    await loseTickets(Math.floor(TICKETS * 0.6), 25);
    await measured('reconcile, a gap of 25 consecutive tickets', '/api/jobs/reconcile/acme');
    await measured('reconcile ?repair=true of that gap', '/api/jobs/reconcile/acme?repair=true');
    for (const at of [0.1, 0.5, 0.9]) await loseTickets(Math.floor(TICKETS * at), 5);
    await measured('reconcile, three gaps of 5 tickets at 10%, 50% and 90%', '/api/jobs/reconcile/acme');
    await measured('reconcile ?repair=true of those gaps', '/api/jobs/reconcile/acme?repair=true');
    const [{ uuid: gone }] = (await db.query<{ uuid: string }>(`SELECT external_uuid AS uuid FROM tickets WHERE client_id = $1 ORDER BY upstream_updated_at, external_uuid OFFSET $2 LIMIT 1`, [clientId, Math.floor(TICKETS * 0.2) + 3])).rows as [{ uuid: string }];
    simulator.deleteTicket(TOKEN, gone);
    await loseTickets(Math.floor(TICKETS * 0.7) + 3, 1);
    await measured('reconcile, one ticket deleted upstream and one lost from the database (the counts agree)', '/api/jobs/reconcile/acme');
    await measured('reconcile ?repair=true of those', '/api/jobs/reconcile/acme?repair=true');
    await measured('backfill of the whole window', '/api/jobs/backfill/acme', { from: '1970-01-01T00:00:00.000Z' });
  } finally {
    await db.end();
    await service.kill();
    await simulator.close();
    await database.stop();
    await rm(dir, { recursive: true, force: true });
  }
  process.exit(0);
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
