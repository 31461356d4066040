import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { DependencyContainer } from 'tsyringe';
import { TOKENS } from '../../src/application/tokens.js';
import { closeContainer, metricsRegistry, startWorkers } from '../../src/infrastructure/container.js';
import type { InProcessJobScheduler } from '../../src/infrastructure/jobs/in-process-job-scheduler.js';
import { createHttpApp } from '../../src/interfaces/http/app.js';
import nock from 'nock';
import { truncateAll } from './database.js';
import type { RecordingLogger } from './recording-logger.js';
import { makeTestContainer, type TestContainerOptions } from './test-container.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

/** A fetch Response whose JSON body tests may read without casts. */
export interface ApiResponse extends Response {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json(): Promise<any>;
}

export interface RunningApp {
  url: string;
  container: DependencyContainer;
  logger: RecordingLogger;
  /** Waits until every job the app started has finished. */
  jobsIdle(): Promise<void>;
  request(method: string, path: string, init?: { headers?: Record<string, string>; body?: string; token?: string | null }): Promise<ApiResponse>;
  close(): Promise<void>;
}

export interface TestAppOptions extends TestContainerOptions {
  metricsToken?: string;
}

/** The real service (composition root + Koa) on a free loopback port. */
export async function startApp(options: TestAppOptions = {}): Promise<RunningApp> {
  const { container, logger } = makeTestContainer(options);
  await startWorkers(container);
  const server: Server = createHttpApp(container, { adminToken: ADMIN_TOKEN, logger, metrics: { registry: metricsRegistry(container), token: options.metricsToken } }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const scheduler = container.resolve<InProcessJobScheduler>(TOKENS.JobScheduler);
  return {
    url,
    container,
    logger,
    jobsIdle: () => scheduler.whenIdle(),
    request: (method, path, init = {}) => {
      const token = init.token === undefined ? ADMIN_TOKEN : init.token;
      return fetch(`${url}${path}`, {
        method,
        headers: { ...(token === null ? {} : { 'x-admin-token': token }), ...init.headers },
        body: init.body,
      }) as Promise<ApiResponse>;
    },
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await closeContainer(container);
    },
  };
}

/**
 * Mocha hooks for a test file of the HTTP API: each test gets empty tables and a fresh app,
 * whose jobs are awaited and nock interceptors dropped afterwards. Returns a getter.
 */
export function useRunningApp(options: TestAppOptions = {}): () => RunningApp {
  let app: RunningApp | undefined;
  beforeEach(async () => {
    await truncateAll();
    app = await startApp(options);
  });
  afterEach(async () => {
    await app?.jobsIdle();
    await app?.close();
    nock.cleanAll();
  });
  return () => app!;
}
