import { AppError } from '../../domain/errors.js';

/** Errors of the HTTP layer itself (bad body, bad parameter) that carry their own status. */
export class HttpError extends AppError {
  constructor(
    readonly status: number,
    readonly code: string,
    /** Shown as `message`; empty for errors whose body is the code alone. */
    message = '',
    /** What is wrong with each field ("body" for the body as a whole), when it is about fields. */
    readonly fields?: Record<string, string>,
  ) {
    super(message);
  }
}
