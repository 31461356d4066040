import { EXIT_CODES, type ExitCode } from './exit-codes.js';

/** A failure the CLI reports as one line on stderr, exiting with its code. Messages never hold a token. */
export class CliError extends Error {
  /** False for notices that are not errors (Ctrl-C while waiting): printed without `error:`. */
  readonly isError: boolean = true;

  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(EXIT_CODES.usage, message);
  }
}

export class NotAuthorisedError extends CliError {
  constructor(message: string) {
    super(EXIT_CODES.notAuthorised, message);
  }
}

export class NotFoundError extends CliError {
  constructor(message: string) {
    super(EXIT_CODES.notFound, message);
  }
}

/** The service could not be reached, timed out or failed: possibly transient. */
export class ServiceUnavailableError extends CliError {
  constructor(message: string) {
    super(EXIT_CODES.serviceUnavailable, message);
  }
}

export class JobFailedError extends CliError {
  constructor(message: string) {
    super(EXIT_CODES.jobFailed, message);
  }
}

/** A reconcile found data missing or different, and no repair made it complete. */
export class DriftFoundError extends CliError {
  constructor(message: string) {
    super(EXIT_CODES.drift, message);
  }
}

/** Ctrl-C: not an error, a notice of what was left as it was. */
export class InterruptedError extends CliError {
  override readonly isError = false;

  constructor(message: string) {
    super(EXIT_CODES.interrupted, message);
  }
}
