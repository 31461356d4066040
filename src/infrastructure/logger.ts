import pino, { type Logger as PinoLogger } from 'pino';

/** Paths redacted wherever they appear in a log line; tokens are never logged on purpose either. */
const REDACTED_PATHS = [
  'apiToken',
  '*.apiToken',
  'adminToken',
  '*.adminToken',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  '*.headers["x-admin-token"]',
  'headers["x-admin-token"]',
];

export function createLogger(level: string): PinoLogger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } });
}
