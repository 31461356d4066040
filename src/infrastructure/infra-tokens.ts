/** DI tokens of infrastructure objects the adapters share (not ports). */
export const INFRA_TOKENS = {
  Prisma: Symbol('Prisma'),
  Pool: Symbol('Pool'),
  TokenCipher: Symbol('TokenCipher'),
  UpstreamConfig: Symbol('UpstreamConfig'),
  UpstreamConnections: Symbol('UpstreamConnections'),
  UpstreamRequestLedger: Symbol('UpstreamRequestLedger'),
  WorkerConcurrency: Symbol('WorkerConcurrency'),
  PgBoss: Symbol('PgBoss'),
  DatabaseUrl: Symbol('DatabaseUrl'),
  Metrics: Symbol('Metrics'),
  InProcessJobScheduler: Symbol('InProcessJobScheduler'),
  WebhookConfig: Symbol('WebhookConfig'),
  WebhookOutbox: Symbol('WebhookOutbox'),
} as const;
