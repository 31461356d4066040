import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';
import pretty from 'pino-pretty';

/** Paths redacted wherever they appear in a log line; tokens are never logged on purpose either. */
const REDACTED_PATHS = [
  'apiToken',
  '*.apiToken',
  'adminToken',
  '*.adminToken',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  '*.headers["x-admin-token"]',
  'headers["x-admin-token"]',
];

export type LogFormat = 'json' | 'pretty';

/**
 * One JSON line per event (what log shippers read), or colourised lines for a developer's
 * terminal. Redaction happens before either is written.
 */
export function createLogger(level: string, format: LogFormat = 'json', destination?: DestinationStream): PinoLogger {
  const options = { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  if (format === 'pretty') return pino(options, pretty({ translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', destination: 1 }));
  return destination ? pino(options, destination) : pino(options);
}
