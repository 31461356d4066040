import type { Logger } from '../../src/domain/ports/logger.port.js';

/** A logger that keeps what it is told, for assertions, and prints nothing. */
export class RecordingLogger implements Logger {
  readonly lines: { level: string; fields: object; message: string }[] = [];

  info(fields: object, message: string): void {
    this.lines.push({ level: 'info', fields, message });
  }

  warn(fields: object, message: string): void {
    this.lines.push({ level: 'warn', fields, message });
  }

  error(fields: object, message: string): void {
    this.lines.push({ level: 'error', fields, message });
  }
}
