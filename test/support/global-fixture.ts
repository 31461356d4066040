import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
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
    embedded = await startEmbeddedPostgres({ dir: join(tmpdir(), `helpdesk-importer-test-${process.pid}`), persistent: false, fast: true });
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
    await rm(join(tmpdir(), `helpdesk-importer-test-${process.pid}`), { recursive: true, force: true });
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
