import type { DependencyContainer } from 'tsyringe';
import type { Clock } from '../../src/domain/ports/clock.port.js';
import type { UpstreamConfig, WebhookConfig } from '../../src/infrastructure/config.js';
import { buildContainer } from '../../src/infrastructure/container.js';
import { testDatabaseUrl } from './database.js';
import { recordingLogger, type RecordingLogger } from './recording-logger.js';

/** Upstream settings for tests: fast retries, short timeouts, no rate limit unless asked. */
export function testUpstreamConfig(overrides: Partial<UpstreamConfig> = {}): UpstreamConfig {
  return {
    requestsPerMinute: 10_000,
    rateWindowMs: 60_000,
    tlsInsecure: false,
    timeoutMs: 2_000,
    maxRetries: 2,
    concurrency: 8,
    backoffBaseMs: 5,
    backoffMaxMs: 20,
    pageSize: 100,
    ...overrides,
  };
}

export interface TestContainerOptions {
  upstream?: Partial<UpstreamConfig>;
  importStartAt?: Date | null;
  workerConcurrency?: number;
  contactsDeleteGuard?: number;
  /** Webhooks on (a secret given), polled every 20 ms unless said otherwise. */
  webhooks?: Partial<WebhookConfig>;
  /** An API-only process (ROLE=api): it runs no workers. */
  apiOnly?: boolean;
  clock?: Clock;
}

/** Webhook settings for tests: a quick poll, short timeouts. */
export function testWebhookConfig(overrides: Partial<WebhookConfig> = {}): WebhookConfig {
  return { url: null, secret: null, timeoutMs: 2_000, concurrency: 4, pollIntervalMs: 20, tlsInsecure: false, ...overrides };
}

/** The real composition root on the test database, with a recording logger. */
export function makeTestContainer(options: TestContainerOptions = {}): { container: DependencyContainer; logger: RecordingLogger } {
  const logger = recordingLogger();
  const container = buildContainer({
    databaseUrl: testDatabaseUrl(),
    importStartAt: options.importStartAt ?? null,
    upstream: testUpstreamConfig(options.upstream),
    jobs: { workerConcurrency: options.workerConcurrency ?? 4, historyDays: 90 },
    logger,
    ...(options.contactsDeleteGuard !== undefined ? { contacts: { deleteGuard: options.contactsDeleteGuard } } : {}),
    webhooks: options.webhooks && testWebhookConfig(options.webhooks),
    apiOnly: options.apiOnly,
    clock: options.clock,
  });
  return { container, logger };
}
