/**
 * `npm run demo`: the importer end to end on one machine, nothing to install. An embedded
 * PostgreSQL, the upstream simulator with three clients (one inactive), and the service itself;
 * the clients are registered and the jobs triggered through the real HTTP API, progress is shown
 * live, and the database is finally checked against the simulator (exit 1 on any difference).
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/infrastructure/database/embedded-postgres.js';
import { startService } from '../shared/service-process.js';
import { differencesFromUpstream } from '../shared/verify-against-simulator.js';
import { generateDataset } from '../upstream-simulator/dataset.js';
import { UpstreamSimulator } from '../upstream-simulator/simulator.js';

const RATE = 1200;
const CLIENTS = [
  { slug: 'acme', name: 'Acme Comércio', token: `acme-${randomBytes(6).toString('hex')}`, active: true, size: { tickets: 320, messagesPerTicket: 6, contacts: 140, sameInstantGroup: 40 } },
  { slug: 'globex', name: 'Globex Serviços', token: `globex-${randomBytes(6).toString('hex')}`, active: true, size: { tickets: 180, messagesPerTicket: 4, contacts: 75 } },
  { slug: 'dormant', name: 'Dormant Ltda (inactive)', token: `dormant-${randomBytes(6).toString('hex')}`, active: false, size: { tickets: 50, messagesPerTicket: 2, contacts: 20 } },
];

interface RunView {
  status: string;
  stats: Record<string, { status: string; pages: number; tickets?: number; messages?: number; contacts?: number; tags?: number; upstreamRequests: number; rateLimited: number; startedAt?: string; finishedAt?: string }>;
}

const out = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  const dir = join(tmpdir(), `helpdesk-importer-demo-${process.pid}`);
  out('▶ starting an embedded PostgreSQL, the upstream simulator and the service…');
  const database = await startEmbeddedPostgres({ dir, persistent: false, fast: true });
  const simulator = new UpstreamSimulator({ latencyMs: 15, jitterMs: 10, requestsPerMinute: RATE, faults: { serverError: 0.02 }, mutations: { ticketUpdated: 0.05 } });
  const baseUrl = await simulator.listen();
  for (const [i, c] of CLIENTS.entries()) simulator.addAccount(c.token, c.slug, generateDataset(100 + i, c.size));
  const adminToken = randomBytes(24).toString('base64url');
  const service = startService({ DATABASE_URL: database.url, PORT: '0', ADMIN_TOKEN: adminToken, DATA_DIR: dir, EXTERNAL_API_REQUESTS_PER_MINUTE: String(RATE), JOB_POLL_INTERVAL_SECONDS: '0.5' });
  const db = new pg.Pool({ connectionString: database.url });

  try {
    const port = await service.listening;
    const api = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`, {
        method,
        headers: { 'x-admin-token': adminToken, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: response.status, location: response.headers.get('location'), body: (await response.json()) as Record<string, unknown> };
    };
    out(`  service on http://127.0.0.1:${port}, upstream simulator on ${baseUrl}`);

    for (const c of CLIENTS) {
      const created = await api('POST', '/api/admin/clients', { slug: c.slug, name: c.name, apiBaseUrl: baseUrl, apiToken: c.token, active: c.active });
      out(`  POST /api/admin/clients ${c.slug} → ${created.status} (token shown as ${String(created.body.apiToken)})`);
    }
    const started = Date.now();
    const importRun = await api('POST', '/api/jobs/import');
    const syncRun = await api('POST', '/api/admin/sync/contacts');
    out(`  POST /api/jobs/import → ${importRun.status} ${JSON.stringify(importRun.body)}  Location: ${importRun.location}`);
    out(`  POST /api/admin/sync/contacts → ${syncRun.status} ${JSON.stringify(syncRun.body)}  Location: ${syncRun.location}`);

    out('▶ progress');
    let runs: RunView[] = [];
    for (;;) {
      runs = await Promise.all([importRun.location!, syncRun.location!].map(async (location) => (await api('GET', location)).body as unknown as RunView));
      const line = CLIENTS.filter((c) => c.active)
        .map((c) => {
          const i = runs[0]!.stats[c.slug];
          const s = runs[1]!.stats[c.slug];
          return `${c.slug}: ${i?.tickets ?? 0} tickets, ${i?.messages ?? 0} messages, ${s?.contacts ?? 0} contacts`;
        })
        .join(' | ');
      process.stdout.write(process.stdout.isTTY ? `\r  ${line}   ` : `  ${line}\n`);
      if (runs.every((r) => ['succeeded', 'failed', 'cancelled'].includes(r.status))) break;
      await new Promise((r) => setTimeout(r, process.stdout.isTTY ? 250 : 1500));
    }
    if (process.stdout.isTTY) out('');
    out(`  import ${runs[0]!.status}, contacts sync ${runs[1]!.status} in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    out('▶ summary');
    out('  client    tickets  messages  contacts  tags  requests  429s  elapsed');
    for (const c of CLIENTS) {
      const i = runs[0]!.stats[c.slug];
      const s = runs[1]!.stats[c.slug];
      if (!i && !s) {
        out(`  ${c.slug.padEnd(8)}  (inactive: not processed)`);
        continue;
      }
      const elapsed = Math.max(...[i, s].map((x) => (x?.finishedAt && x.startedAt ? Date.parse(x.finishedAt) - Date.parse(x.startedAt) : 0))) / 1000;
      const cells = [i?.tickets ?? 0, i?.messages ?? 0, s?.contacts ?? 0, s?.tags ?? 0, (i?.upstreamRequests ?? 0) + (s?.upstreamRequests ?? 0), (i?.rateLimited ?? 0) + (s?.rateLimited ?? 0)];
      out(`  ${c.slug.padEnd(8)}  ${cells.map((v, k) => String(v).padStart([7, 8, 8, 4, 8, 4][k]!)).join('  ')}  ${elapsed.toFixed(1)} s`);
    }

    out('▶ checking the database against the simulator');
    const problems: string[] = [];
    if (runs.some((r) => r.status !== 'succeeded')) problems.push(`a run did not succeed: ${JSON.stringify(runs.map((r) => r.status))}`);
    for (const c of CLIENTS) {
      const { rows } = await db.query<{ id: string }>('SELECT id FROM clients WHERE slug = $1', [c.slug]);
      const clientId = rows[0]!.id;
      if (c.active) {
        const differences = await differencesFromUpstream(db, clientId, simulator.dataset(c.token));
        problems.push(...differences.map((d) => `${c.slug}: ${d}`));
        out(`  ${c.slug}: ${differences.length ? differences.join('; ') : 'equal to the upstream ✓'}`);
      } else {
        const { rows: stored } = await db.query<{ n: number }>('SELECT (SELECT count(*) FROM tickets WHERE client_id = $1) + (SELECT count(*) FROM contacts WHERE client_id = $1) AS n', [clientId]);
        if (Number(stored[0]!.n) > 0) problems.push(`${c.slug}: an inactive client has rows`);
        out(`  ${c.slug}: ${Number(stored[0]!.n) ? 'has rows ✗' : 'inactive, nothing stored ✓'}`);
      }
    }
    const leaked = CLIENTS.filter((c) => service.output().includes(c.token) || service.output().includes(adminToken));
    if (leaked.length) problems.push('a token appeared in the service output');
    out(problems.length ? `✗ ${problems.length} problem(s):\n  ${problems.join('\n  ')}` : '✓ the database equals the upstream; no token in any log line');
    return problems.length ? 1 : 0;
  } finally {
    service.child.kill('SIGTERM');
    await service.finished;
    await db.end();
    await simulator.close();
    await database.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo failed: ${(error as Error)?.stack ?? error}\n`);
    process.exit(1);
  },
);
