import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/infrastructure/database/embedded-postgres.js';
import { applyMigrations } from '../../src/infrastructure/database/migrator.js';
import { closeSql } from './database.js';

/**
 * Starts one PostgreSQL for the whole run: the server at TEST_DATABASE_URL (or DATABASE_URL)
 * when set, else an embedded one in a temporary directory. Either way the tests get a fresh
 * database of their own, migrated, and dropped at the end.
 */
const DIR_PREFIX = 'helpdesk-importer-test-';
let embedded: EmbeddedDatabase | undefined;
let adminUrl: string;
let databaseName: string;

export async function mochaGlobalSetup(): Promise<void> {
  // No test ever reaches beyond this machine: upstreams are nock'd or served on loopback.
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
  const serverUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (serverUrl) {
    adminUrl = serverUrl;
  } else {
    await removeOrphanedServers();
    embedded = await startEmbeddedPostgres({ dir: join(tmpdir(), `${DIR_PREFIX}${process.pid}`), persistent: false, fast: true });
    adminUrl = embedded.url;
  }
  databaseName = `helpdesk_importer_test_${randomBytes(4).toString('hex')}`;
  await withConnection(adminUrl, (c) => c.query(`CREATE DATABASE ${databaseName}`));
  const url = new URL(adminUrl);
  url.pathname = `/${databaseName}`;
  process.env.TEST_DATABASE_URL_RESOLVED = url.toString();
  await applyMigrations(url.toString());
}

export async function mochaGlobalTeardown(): Promise<void> {
  await closeSql();
  await withConnection(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`)).catch(() => {});
  if (embedded) {
    await embedded.stop();
    await rm(join(tmpdir(), `${DIR_PREFIX}${process.pid}`), { recursive: true, force: true });
  }
}

/**
 * A test run killed before its teardown leaves its PostgreSQL running: stop the servers of
 * runs whose process is gone, and delete their directories.
 */
async function removeOrphanedServers(): Promise<void> {
  for (const name of await readdir(tmpdir())) {
    if (!name.startsWith(DIR_PREFIX)) continue;
    const ownerPid = Number(name.slice(DIR_PREFIX.length));
    if (isAlive(ownerPid)) continue;
    const dir = join(tmpdir(), name);
    const serverPid = Number((await readFile(join(dir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]);
    if (serverPid && isAlive(serverPid)) process.kill(serverPid, 'SIGQUIT');
    await rm(dir, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function withConnection<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
