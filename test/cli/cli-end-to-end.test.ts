import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { startService, type ServiceProcess } from '../../tools/shared/service-process.js';
import { generateDataset } from '../../tools/upstream-simulator/dataset.js';
import { UpstreamSimulator } from '../../tools/upstream-simulator/simulator.js';
import { insertClient, sql, testDatabaseUrl, truncateAll } from '../support/database.js';
import { FINISHED, waitFor } from '../support/wait-for.js';
import { runCli, startCli, type CliOptions, type CliResult } from './run-cli.js';

const ADMIN_TOKEN = 'cli-suite-admin-token-0123456789abcdef';
const WRONG_ADMIN_TOKEN = 'cli-suite-wrong-admin-token-fedcba987';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

describe('The command-line interface, against a running service', function () {
  this.timeout(60_000);
  let simulator: UpstreamSimulator;
  let upstreamUrl: string;
  let service: ServiceProcess;
  let serviceUrl: string;
  let dataDir: string;
  /** Every token a test used: none may ever show up in what the CLI printed. */
  const secrets = new Set([ADMIN_TOKEN, WRONG_ADMIN_TOKEN]);
  let printed: string[] = [];
  let nextSeed = 1;
  let releaseUpstream: (() => void) | undefined;

  before(async () => {
    await truncateAll();
    simulator = new UpstreamSimulator({ seed: 5 });
    upstreamUrl = await simulator.listen();
    dataDir = await mkdtemp(join(tmpdir(), 'helpdesk-importer-cli-service-'));
    service = startService({
      DATABASE_URL: testDatabaseUrl(),
      PORT: '0',
      ADMIN_TOKEN,
      DATA_DIR: dataDir,
      JOB_POLL_INTERVAL_SECONDS: '0.5',
      EXTERNAL_API_REQUESTS_PER_MINUTE: '100000',
    });
    serviceUrl = `http://127.0.0.1:${await service.listening}`;
  });
  after(async () => {
    await service?.kill();
    await simulator?.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    printed = [];
  });
  afterEach(() => {
    // A test that failed while holding the upstream must not leave its job hanging for the next ones.
    releaseUpstream?.();
    simulator.onRequest = undefined;
    const everything = printed.join('\n');
    for (const secret of secrets) expect(everything.includes(secret), 'a token appeared in the output of the CLI').to.equal(false);
  });

  /** Runs the CLI against the service with the right admin token (unless `env` says otherwise). */
  async function cli(args: string[], options: CliOptions = {}): Promise<CliResult> {
    const result = await runCli(args, { ...options, env: { HELPDESK_IMPORTER_URL: serviceUrl, ADMIN_TOKEN, ...options.env } });
    printed.push(result.stdout, result.stderr);
    return result;
  }

  /** A client of the simulator with a data set of its own, registered straight in the database. */
  async function seedClient(slug: string, size: { tickets?: number; messagesPerTicket?: number; contacts?: number } = {}) {
    const token = `${slug}-upstream-token-${randomUUID()}`;
    secrets.add(token);
    const dataset = generateDataset(nextSeed++, { tickets: size.tickets ?? 30, messagesPerTicket: size.messagesPerTicket ?? 2, contacts: size.contacts ?? 20 });
    simulator.addAccount(token, slug, dataset);
    const id = await insertClient({ slug, apiBaseUrl: upstreamUrl, apiToken: token });
    return { id, token, dataset };
  }

  /** Holds every upstream request made with `token` until `release()`: a job that stays running. */
  function holdUpstream(token: string) {
    const gate = new Promise<void>((resolve) => (releaseUpstream = resolve));
    simulator.onRequest = async (requestToken) => {
      if (requestToken === token) await gate;
    };
    return { release: releaseUpstream! };
  }

  async function apiTrigger(path: string): Promise<string> {
    const response = await fetch(`${serviceUrl}${path}`, { method: 'POST', headers: { 'x-admin-token': ADMIN_TOKEN } });
    return response.headers.get('location')!.split('/').pop()!;
  }

  async function runStatus(id: string): Promise<string> {
    const { rows } = await sql().query<{ status: string }>('SELECT status FROM job_runs WHERE id = $1', [id]);
    return rows[0]!.status;
  }

  describe('clients', () => {
    it('when a client is added with its token on stdin, then it is stored, and list shows it with the token masked, never in clear', async () => {
      const token = `stdin-client-token-${randomUUID()}`;
      secrets.add(token);

      const added = await cli(['clients', 'add', '--slug', 'from-stdin', '--name', 'From Stdin', '--api-base-url', upstreamUrl, '--api-token-stdin'], { stdin: `${token}\n` });
      const list = await cli(['clients', 'list']);
      const listJson = await cli(['clients', 'list', '--json']);

      expect(added.code, added.stderr).to.equal(0);
      expect(added.stdout).to.include('added client from-stdin (active)').and.include(`••••${token.slice(-4)}`);
      expect(list.code).to.equal(0);
      expect(list.stdout).to.match(/^SLUG\s+NAME\s+ACTIVE\s+API BASE URL\s+TOKEN\s+UPDATED/);
      expect(list.stdout).to.match(new RegExp(`from-stdin\\s+From Stdin\\s+yes\\s+\\S+\\s+••••${token.slice(-4)}`));
      const shown = JSON.parse(listJson.stdout).clients.find((c: { slug: string }) => c.slug === 'from-stdin');
      expect(shown).to.include({ name: 'From Stdin', active: true, apiToken: `••••${token.slice(-4)}` });
      const { rows } = await sql().query('SELECT api_token FROM clients WHERE slug = $1', ['from-stdin']);
      expect(rows[0]!.api_token, 'the token given on stdin is the one stored').to.equal(token);
    });

    it('when update gets a new name, --inactive and a token from CLIENT_API_TOKEN with --api-token-env, then it changes those; a later update without the flag keeps the token, even with the variable still set', async () => {
      await seedClient('to-update');
      const newToken = `replacement-token-${randomUUID()}`;
      secrets.add(newToken);

      const updated = await cli(['clients', 'update', 'to-update', '--name', 'Renamed', '--inactive', '--api-token-env'], { env: { CLIENT_API_TOKEN: newToken } });
      const reactivated = await cli(['clients', 'update', 'to-update', '--active', '--api-base-url', 'https://elsewhere.example/api/v1', '--json'], { env: { CLIENT_API_TOKEN: 'left-over-token-from-before' } });

      expect(updated.code, updated.stderr).to.equal(0);
      expect(updated.stdout).to.include('updated client to-update (new API token)').and.match(/active\s+no/);
      expect(reactivated.code, reactivated.stderr).to.equal(0);
      expect(JSON.parse(reactivated.stdout)).to.include({ slug: 'to-update', name: 'Renamed', active: true, apiBaseUrl: 'https://elsewhere.example/api/v1' });
      const { rows } = await sql().query('SELECT name, active, api_token FROM clients WHERE slug = $1', ['to-update']);
      expect(rows[0]).to.deep.equal({ name: 'Renamed', active: true, api_token: newToken });
    });

    it('when add and update get --requests-per-minute, then the rate plan is set, shown, changed and reset with "default"; a bad value exits 2', async () => {
      const token = `rate-plan-token-${randomUUID()}`;
      secrets.add(token);

      const added = await cli(['clients', 'add', '--slug', 'rated', '--name', 'Rated', '--api-base-url', upstreamUrl, '--api-token-env', '--requests-per-minute', '120', '--json'], { env: { CLIENT_API_TOKEN: token } });
      const raised = await cli(['clients', 'update', 'rated', '--requests-per-minute', '700']);
      const afterRaise = await sql().query('SELECT requests_per_minute FROM clients WHERE slug = $1', ['rated']);
      const reset = await cli(['clients', 'update', 'rated', '--requests-per-minute', 'default']);
      const bad = await cli(['clients', 'update', 'rated', '--requests-per-minute', 'lots']);
      const { rows } = await sql().query('SELECT requests_per_minute FROM clients WHERE slug = $1', ['rated']);

      expect(added.code, added.stderr).to.equal(0);
      expect(JSON.parse(added.stdout)).to.include({ slug: 'rated', requestsPerMinute: 120 });
      expect(raised.code, raised.stderr).to.equal(0);
      expect(raised.stdout).to.match(/rate\s+700 requests\/min/);
      expect(afterRaise.rows[0].requests_per_minute).to.equal(700);
      expect(reset.code, reset.stderr).to.equal(0);
      expect(reset.stdout).to.match(/rate\s+service default/);
      expect(bad.code).to.equal(2);
      expect(bad.stderr).to.include('--requests-per-minute');
      expect(rows[0].requests_per_minute).to.equal(null);
    });

    it('when a client is disabled, then it is inactive', async () => {
      await seedClient('to-disable');

      const disabled = await cli(['clients', 'disable', 'to-disable']);
      const shown = await cli(['clients', 'show', 'to-disable', '--json']);

      expect(disabled.code, disabled.stderr).to.equal(0);
      expect(disabled.stdout.trim()).to.equal('disabled client to-disable');
      expect(JSON.parse(shown.stdout).active).to.equal(false);
    });

    it('when a disabled client is enabled, then it is active again; an unknown subcommand exits 2', async () => {
      await seedClient('to-enable');
      await cli(['clients', 'disable', 'to-enable']);

      const enabled = await cli(['clients', 'enable', 'to-enable']);
      const shown = await cli(['clients', 'show', 'to-enable', '--json']);
      const unknown = await cli(['clients', 'activate', 'to-enable']);

      expect(enabled.code, enabled.stderr).to.equal(0);
      expect(enabled.stdout.trim()).to.equal('enabled client to-enable');
      expect(JSON.parse(shown.stdout).active).to.equal(true);
      expect(unknown.code).to.equal(2);
      expect(unknown.stderr).to.include("unknown command 'activate'");
    });

    it('when clients add gets no token, then it exits 2 saying where a token may come from, and registers nothing', async () => {
      const result = await cli(['clients', 'add', '--slug', 'no-token', '--name', 'No Token', '--api-base-url', upstreamUrl]);

      expect(result.code).to.equal(2);
      expect(result.stderr).to.match(/^error: clients add needs the client's API token: pipe it with --api-token-stdin, or set CLIENT_API_TOKEN and give --api-token-env/);
      expect((await sql().query('SELECT 1 FROM clients WHERE slug = $1', ['no-token'])).rows).to.have.length(0);
    });

    it('when the slug is taken or a field is invalid, then it exits 2 with the API message', async () => {
      await seedClient('taken');

      const duplicate = await cli(['clients', 'add', '--slug', 'taken', '--name', 'Again', '--api-base-url', upstreamUrl, '--api-token-env'], { env: { CLIENT_API_TOKEN: 'another-client-token-123' } });
      const invalid = await cli(['clients', 'add', '--slug', 'Not A Slug', '--name', 'X', '--api-base-url', 'ftp://nope', '--api-token-env'], { env: { CLIENT_API_TOKEN: 'another-client-token-123' } });

      expect(duplicate.code).to.equal(2);
      expect(duplicate.stderr.trim()).to.equal('error: a client with slug "taken" already exists');
      expect(invalid.code).to.equal(2);
      expect(invalid.stderr).to.match(/^error: invalid client: .*slug.*apiBaseUrl must be an http\(s\) URL/);
    });

    it('when update is given nothing to change or both --active and --inactive, then it exits 2', async () => {
      const nothing = await cli(['clients', 'update', 'whatever']);
      const both = await cli(['clients', 'update', 'whatever', '--active', '--inactive']);

      expect(nothing.code).to.equal(2);
      expect(nothing.stderr).to.include('error: nothing to change');
      expect(both.code).to.equal(2);
      expect(both.stderr).to.include("error: option '--active' cannot be used with option '--inactive'");
    });

    it('when the client does not exist, then it exits 4 with the API message', async () => {
      const result = await cli(['clients', 'show', 'nobody-by-that-name']);

      expect(result.code).to.equal(4);
      expect(result.stderr.trim()).to.equal('error: no client with slug "nobody-by-that-name"');
    });
  });

  describe('import and sync-contacts', () => {
    it('when import <slug> --wait --json, then it exits 0, stdout is only the finished run, and the database holds the tickets', async () => {
      const { id } = await seedClient('waited', { tickets: 120, messagesPerTicket: 3 });

      const result = await cli(['import', 'waited', '--wait', '--json']);

      expect(result.code, result.stderr).to.equal(0);
      expect(result.stderr).to.equal('');
      const run = JSON.parse(result.stdout);
      expect(run).to.include({ kind: 'import', slug: 'waited', status: 'succeeded', trigger: 'manual' });
      expect(run.stats.waited).to.include({ status: 'succeeded', tickets: 120, messages: 360 });
      const { rows } = await sql().query<{ tickets: string; messages: string }>(
        'SELECT (SELECT count(*) FROM tickets WHERE client_id = $1) AS tickets, (SELECT count(*) FROM messages WHERE client_id = $1) AS messages',
        [id],
      );
      expect(rows[0]).to.deep.equal({ tickets: '120', messages: '360' });
    });

    it('when reconcile --wait finds tickets deleted from the database, then it exits 6 naming the client; reconcile --repair --wait restores them and exits 0', async () => {
      const { id } = await seedClient('drifted', { tickets: 150, messagesPerTicket: 2, contacts: 10 });
      expect((await cli(['import', 'drifted', '--wait'])).code).to.equal(0);
      expect((await cli(['sync-contacts', 'drifted', '--wait'])).code).to.equal(0);
      await sql().query(`DELETE FROM tickets WHERE id IN (SELECT id FROM tickets WHERE client_id = $1 ORDER BY upstream_updated_at OFFSET 40 LIMIT 3)`, [id]);

      const found = await cli(['reconcile', 'drifted', '--wait']);

      expect(found.code, found.stderr).to.equal(6);
      expect(found.stderr).to.include('drifted').and.include('reconcile --repair');
      expect(found.stdout).to.include('tickets 147 stored of 150 upstream, 3 missing');

      const repaired = await cli(['reconcile', 'drifted', '--repair', '--wait', '--json']);

      expect(repaired.code, repaired.stderr).to.equal(0);
      expect(JSON.parse(repaired.stdout).stats.drifted.repair.complete).to.equal(true);
      expect((await sql().query('SELECT count(*)::int AS n FROM tickets WHERE client_id = $1', [id])).rows[0].n).to.equal(150);
    });

    it('when backfill <slug> --from --wait, then it exits 0 with the window re-imported; a --from that is not a date exits 2', async () => {
      const { id } = await seedClient('refilled', { tickets: 60, messagesPerTicket: 2 });
      expect((await cli(['import', 'refilled', '--wait'])).code).to.equal(0);
      await sql().query('DELETE FROM messages WHERE client_id = $1', [id]);

      const result = await cli(['backfill', 'refilled', '--from', '1970-01-01T00:00:00Z', '--wait']);

      expect(result.code, result.stderr).to.equal(0);
      expect((await sql().query('SELECT count(*)::int AS n FROM messages WHERE client_id = $1', [id])).rows[0].n).to.equal(120);
      const bad = await cli(['backfill', 'refilled', '--from', 'yesterday']);
      expect(bad.code).to.equal(2);
      expect(bad.stderr).to.include('from');
    });

    it('when import --wait runs with stderr not a terminal, then stderr has a plain line per change and stdout a summary per client', async () => {
      await seedClient('plain', { tickets: 250, messagesPerTicket: 1 });

      const result = await cli(['import', 'plain', '--wait']);

      expect(result.code, result.stderr).to.equal(0);
      const lines = result.stderr.trimEnd().split('\n');
      for (const line of lines) expect(line).to.match(/^import (queued|running|succeeded): \d+%, \d+\/\d+ clients finished, pages \d+, tickets \d+, messages \d+$/);
      expect(lines.at(-1)).to.equal('import succeeded: 100%, 1/1 clients finished, pages 3, tickets 250, messages 250');
      expect(new Set(lines).size, 'a line is printed only when something changed').to.equal(lines.length);
      // eslint-disable-next-line no-control-regex
      expect(result.stderr).to.not.match(/[\u0000-\u0009\u000b-\u001f\u007f]/);
      expect(result.stdout).to.match(/^Import job started \(slug: plain\)\njob id: [0-9a-f-]{36}\nstatus: http:\/\/127\.0\.0\.1:\d+\/api\/jobs\/[0-9a-f-]{36}\n/);
      expect(result.stdout).to.match(/CLIENT\s+STATUS\s+PAGES\s+TICKETS\s+MESSAGES\nplain\s+succeeded\s+3\s+250\s+250\n/);
    });

    it("when a client's upstream token is revoked, then import --wait exits 1 and the summary shows that client's error", async () => {
      await insertClient({ slug: 'revoked', apiBaseUrl: upstreamUrl, apiToken: 'a-token-the-upstream-does-not-know' });
      secrets.add('a-token-the-upstream-does-not-know');

      const result = await cli(['import', 'revoked', '--wait']);

      expect(result.code).to.equal(1);
      expect(result.stdout).to.match(/revoked\s+failed\s+0\s+0\s+0/);
      expect(result.stdout).to.include('revoked: the API token of client "revoked" is not usable');
      expect(result.stderr).to.match(/^error: job [0-9a-f-]{36} ended failed \(failed: revoked\)$/m);
    });

    it('when sync-contacts <slug> --wait --json, then it exits 0 with the contacts counted, as stored', async () => {
      const { id, dataset } = await seedClient('synced', { tickets: 0, contacts: 130 });

      const result = await cli(['sync-contacts', 'synced', '--wait', '--json']);

      expect(result.code, result.stderr).to.equal(0);
      const run = JSON.parse(result.stdout);
      expect(run).to.include({ kind: 'contacts-sync', slug: 'synced', status: 'succeeded' });
      expect(run.stats.synced).to.include({ status: 'succeeded', contacts: 130, deletedContacts: 0 });
      const { rows } = await sql().query<{ n: string }>('SELECT count(*) AS n FROM contacts WHERE client_id = $1 AND deleted_at IS NULL', [id]);
      expect(Number(rows[0]!.n)).to.equal(dataset.contacts.size);
    });

    it('when a job is started without --wait, then it prints the job id and status URL at once, and jobs show reports that run', async () => {
      await seedClient('no-wait');

      const started = await cli(['import', 'no-wait']);
      const startedJson = await cli(['sync-contacts', 'no-wait', '--json']);
      const id = UUID.exec(started.stdout)?.[0];
      const shown = await cli(['jobs', 'show', id!]);

      expect(started.code, started.stderr).to.equal(0);
      expect(started.stdout).to.include(`status: ${serviceUrl}/api/jobs/${id}`).and.include(`follow it with: helpdesk-importer jobs show ${id}`);
      expect(startedJson.code).to.equal(0);
      const body = JSON.parse(startedJson.stdout);
      expect(body).to.include({ message: 'Contacts sync job started', slug: 'no-wait', statusUrl: `${serviceUrl}/api/jobs/${body.id}` });
      expect(shown.code, shown.stderr).to.equal(0);
      expect(shown.stdout).to.match(new RegExp(`^job ${id}: import of no-wait \\(manual\\), (queued|running|succeeded)\\n`));
    });

    it('when Ctrl-C arrives while it waits, then it exits 130 saying how to follow the job, which keeps running on the service', async () => {
      const { token } = await seedClient('interrupted');
      const upstream = holdUpstream(token);
      const waiting = startCli(['import', 'interrupted', '--wait'], { env: { HELPDESK_IMPORTER_URL: serviceUrl, ADMIN_TOKEN } });
      await waitFor(async () => waiting.stderr().includes('import running'), 'the run to be running');
      const id = UUID.exec(waiting.stdout())![0];

      waiting.child.kill('SIGINT');
      const result = await waiting.finished;
      printed.push(result.stdout, result.stderr);
      const statusAfterInterrupt = await runStatus(id);
      upstream.release();
      const ended = await waitFor(async () => {
        const status = await runStatus(id);
        return FINISHED.includes(status) && status;
      }, 'the run to end');

      expect(result.code).to.equal(130);
      expect(result.stderr.trimEnd().split('\n').at(-1)).to.equal(`stopped waiting; job ${id} keeps running on the service. Follow it with: helpdesk-importer jobs show ${id}`);
      expect(statusAfterInterrupt).to.equal('running');
      expect(ended).to.equal('succeeded');
    });
  });

  describe('jobs', () => {
    it('when jobs list is filtered by kind and slug, then it shows only those runs, newest first', async () => {
      await seedClient('listed');
      const importId = await apiTrigger('/api/jobs/import/listed');
      await apiTrigger('/api/admin/sync/contacts?clientSlug=listed');

      const json = await cli(['jobs', 'list', '--kind', 'import', '--slug', 'listed', '--trigger', 'manual', '--json']);
      const table = await cli(['jobs', 'list', '--slug', 'listed', '--limit', '1']);

      expect(json.code, json.stderr).to.equal(0);
      expect(JSON.parse(json.stdout).jobs.map((run: { id: string; kind: string }) => [run.id, run.kind])).to.deep.equal([[importId, 'import']]);
      expect(table.code, table.stderr).to.equal(0);
      const [header, ...rows] = table.stdout.trimEnd().split('\n');
      expect(header).to.match(/^ID\s+KIND\s+SLUG\s+STATUS\s+TRIGGER\s+CLIENTS\s+REQUESTED\s+FINISHED$/);
      expect(rows).to.have.length(1);
      expect(rows[0]).to.match(/^[0-9a-f-]{36}\s+contacts-sync\s+listed\s+/);
    });

    it('when jobs list gets a value the CLI or the API refuses, then it exits 2 naming the problem', async () => {
      const outOfRange = await cli(['jobs', 'list', '--limit', '0']);
      const unknownKind = await cli(['jobs', 'list', '--kind', 'export']);

      expect(outOfRange.code).to.equal(2);
      expect(outOfRange.stderr.trim()).to.equal('error: limit: must be at least 1');
      expect(unknownKind.code).to.equal(2);
      expect(unknownKind.stderr).to.include("error: option '--kind <kind>' argument 'export' is invalid. Allowed choices are import, contacts-sync, reconcile, backfill.");
    });

    it('when a running job is cancelled, then it ends cancelled, and cancelling it again exits 2 (409)', async () => {
      const { token } = await seedClient('cancelled', { tickets: 250 });
      const upstream = holdUpstream(token);
      const id = await apiTrigger('/api/jobs/import/cancelled');
      await waitFor(async () => (await runStatus(id)) === 'running', 'the run to be running');

      const cancelled = await cli(['jobs', 'cancel', id]);
      upstream.release();
      await waitFor(async () => FINISHED.includes(await runStatus(id)), 'the run to end');
      const again = await cli(['jobs', 'cancel', id]);

      expect(cancelled.code, cancelled.stderr).to.equal(0);
      expect(cancelled.stdout.trim()).to.equal(`cancel requested for job ${id} (status now: running)`);
      expect(await runStatus(id)).to.equal('cancelled');
      expect(again.code).to.equal(2);
      expect(again.stderr.trim()).to.equal(`error: job ${id} has already finished (cancelled)`);
    });

    it('when the job id is unknown, then it exits 4; when it is not a UUID, then 2', async () => {
      const unknownId = randomUUID();

      const unknown = await cli(['jobs', 'show', unknownId]);
      const malformed = await cli(['jobs', 'show', 'not-a-job-id']);

      expect(unknown.code).to.equal(4);
      expect(unknown.stderr.trim()).to.equal(`error: no job ${unknownId}`);
      expect(malformed.code).to.equal(2);
      expect(malformed.stderr.trim()).to.equal('error: job id must be a UUID');
    });
  });

  describe('connection and authorisation', () => {
    it('when the admin token is wrong, then it exits 3 without echoing the token', async () => {
      const result = await cli(['jobs', 'list'], { env: { ADMIN_TOKEN: WRONG_ADMIN_TOKEN } });

      expect(result.code).to.equal(3);
      expect(result.stderr.trim()).to.equal('error: the service refused the admin token: set ADMIN_TOKEN to the token the service was started with');
      expect(result.stdout).to.equal('');
    });

    it('when ADMIN_TOKEN is unset, then it uses the token file under DATA_DIR and the URL from ./.env; with neither token, it exits 3', async () => {
      const cwd = await mkdtemp(join(tmpdir(), 'helpdesk-importer-cli-cwd-'));
      await mkdir(join(cwd, 'state'));
      await writeFile(join(cwd, 'state', 'admin-token'), `${ADMIN_TOKEN}\n`, { mode: 0o600 });
      await writeFile(join(cwd, '.env'), `HELPDESK_IMPORTER_URL=${serviceUrl}\nDATA_DIR=state\nADMIN_TOKEN=\n`);

      const fromFiles = await runCli(['clients', 'list', '--json'], { cwd });
      const noToken = await runCli(['clients', 'list'], { cwd, env: { DATA_DIR: 'elsewhere' } });
      printed.push(fromFiles.stdout, fromFiles.stderr, noToken.stdout, noToken.stderr);
      await rm(cwd, { recursive: true, force: true });

      expect(fromFiles.code, fromFiles.stderr).to.equal(0);
      expect(JSON.parse(fromFiles.stdout)).to.have.property('clients');
      expect(noToken.code).to.equal(3);
      expect(noToken.stderr.trim()).to.equal('error: no admin token: set ADMIN_TOKEN, or run where the service keeps elsewhere/admin-token');
    });

    it('when nothing listens at the URL, then it exits 5 saying the service cannot be reached', async () => {
      const closedPort = await freePort();

      const result = await cli(['jobs', 'list'], { env: { HELPDESK_IMPORTER_URL: `http://127.0.0.1:${closedPort}` } });

      expect(result.code).to.equal(5);
      expect(result.stderr.trim()).to.equal(`error: cannot reach the service at http://127.0.0.1:${closedPort} — is it running?`);
    });

    it('when --help is asked for, then it lists every exit code and needs no token', async () => {
      const result = await runCli(['--help']);

      expect(result.code).to.equal(0);
      for (const code of ['0', '1', '2', '3', '4', '5', '6', '130']) expect(result.stdout).to.match(new RegExp(`^  ${code} +\\S`, 'm'));
      expect(result.stdout).to.include('not found (404)').and.include('service unreachable');
    });

    it('when import <slug> --wait names no active client (a typo), then it exits 4 saying so, while the API still answered 202', async () => {
      await seedClient('acme', { tickets: 1, messagesPerTicket: 1 });

      const result = await cli(['import', 'acmee', '--wait']);

      expect(result.code, result.stderr).to.equal(4);
      expect(result.stderr.trimEnd().split('\n').at(-1)).to.equal('error: no active client with slug acmee');
    });

    it('when the command line is wrong, then it exits 2 with commander\'s message on stderr', async () => {
      const result = await runCli(['import', '--no-such-option']);

      expect(result.code).to.equal(2);
      expect(result.stderr).to.match(/^error: unknown option '--no-such-option'/);
    });

    it('when the slug argument is empty (an unset shell variable), then it exits 2 instead of starting a job for every client', async () => {
      const before = await sql().query('SELECT id FROM job_runs');

      const importAll = await cli(['import', '', '--wait']);
      const syncAll = await cli(['sync-contacts', ' ']);

      expect(importAll.code).to.equal(2);
      expect(importAll.stderr.trim()).to.equal('error: the slug is empty: leave it out to start the job for every active client');
      expect(syncAll.code).to.equal(2);
      expect((await sql().query('SELECT id FROM job_runs')).rows).to.have.length(before.rows.length);
    });
  });
});

/** A port nothing listens on: bound, then released. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
