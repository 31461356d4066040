/** DI tokens of infrastructure objects the adapters share (not ports). */
export const INFRA_TOKENS = {
  Prisma: Symbol('Prisma'),
  UpstreamConfig: Symbol('UpstreamConfig'),
  UpstreamConnections: Symbol('UpstreamConnections'),
} as const;
