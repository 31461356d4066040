import type { Logger as PinoLogger } from 'pino';
import { createLogger } from '../../src/infrastructure/logger.js';

export interface LogLine {
  level: string;
  message: string;
  /** Every other field of the line, bindings of child loggers included, as written (redacted). */
  fields: Record<string, unknown>;
}

export type RecordingLogger = PinoLogger & { readonly lines: LogLine[] };

const LEVEL_NAMES: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/**
 * The service's own logger (same redaction, same serialisation), writing to memory instead of
 * stdout: tests read back exactly the lines an operator would see, and nothing is printed.
 */
export function recordingLogger(level = 'debug'): RecordingLogger {
  const lines: LogLine[] = [];
  const record = (text: string) => {
    for (const line of text.split('\n').filter(Boolean)) {
      const { level: number, msg, time: _time, pid: _pid, hostname: _hostname, ...fields } = JSON.parse(line) as Record<string, unknown>;
      lines.push({ level: LEVEL_NAMES[number as number] ?? String(number), message: String(msg ?? ''), fields });
    }
  };
  return Object.assign(createLogger(level, 'json', { write: record }), { lines });
}
