/** The structured logger the application writes to (pino's signature). */
export interface Logger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
  /** A logger that adds these fields (a job id, a client slug) to every line. */
  child(bindings: Record<string, unknown>): Logger;
}
