import { AppError } from '../../domain/errors.js';

/** Errors of the HTTP layer itself (bad body, bad parameter) that carry their own status. */
export class HttpError extends AppError {
  constructor(
    readonly status: number,
    readonly code: string,
    /** Shown as `message`; empty for errors whose body is the code alone. */
    message = '',
  ) {
    super(message);
  }
}
