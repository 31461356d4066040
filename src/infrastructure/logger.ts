import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';
import pretty from 'pino-pretty';
import type { Logger } from '../domain/ports/logger.port.js';

/** Secret fields redacted up to two levels deep (pino's paths take no deeper wildcard); nothing logs them on purpose either. */
const REDACTED_PATHS = [
  ...['apiToken', 'adminToken', 'metricsToken', 'token', 'authorization'].flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
  'headers["x-admin-token"]',
  '*.headers["x-admin-token"]',
];

export type LogFormat = 'json' | 'pretty';

/**
 * One JSON line per event (what log shippers read), or colourised lines for a developer's
 * terminal. Redaction happens before either is written.
 */
/** What a host service may pass as its logger: pino's, or any with these three methods. */
export type HostLogger = Pick<Logger, 'info' | 'warn' | 'error'> & Partial<Pick<Logger, 'child'>>;

/** A host's logger as the port needs it: one without `child` gets the bindings merged into each line's fields. */
export function asLogger(host: HostLogger): Logger {
  if (typeof host.child === 'function') return host as Logger;
  return withBindings(host, {});
}

function withBindings(host: HostLogger, bindings: Record<string, unknown>): Logger {
  return {
    info: (fields, message) => host.info({ ...bindings, ...fields }, message),
    warn: (fields, message) => host.warn({ ...bindings, ...fields }, message),
    error: (fields, message) => host.error({ ...bindings, ...fields }, message),
    child: (more) => withBindings(host, { ...bindings, ...more }),
  };
}

export function createLogger(level: string, format: LogFormat = 'json', destination?: DestinationStream): PinoLogger {
  const options = { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  if (format === 'pretty') return pino(options, pretty({ translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', destination: 1 }));
  return destination ? pino(options, destination) : pino(options);
}
