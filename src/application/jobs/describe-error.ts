import { AppError } from '../../domain/errors.js';

/**
 * The text recorded for a failed run. Our own errors carry messages written to be shown (and
 * free of secrets); anything else is reduced to its type, since a driver's message may quote
 * SQL parameters or URLs.
 */
export function describeError(error: unknown): string {
  if (error instanceof AppError) return error.message;
  if (error instanceof Error) return `unexpected ${error.name}`;
  return 'unexpected error';
}

/**
 * What the operator's log gets for an unexpected error: its type, message and stack, so the
 * cause can be found. Our own errors need no more than their message.
 */
export function errorDetail(error: unknown): string | undefined {
  if (error instanceof AppError || !(error instanceof Error)) return undefined;
  return error.stack ?? `${error.name}: ${error.message}`;
}
