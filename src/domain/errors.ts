/**
 * Base of every error the service raises on purpose. `code` is stable (the HTTP layer maps it
 * to a status); messages never contain secrets.
 */
export abstract class AppError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  readonly code = 'validation_failed';

  constructor(
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

export class NotFoundError extends AppError {
  readonly code = 'not_found';
}

export class DuplicateSlugError extends AppError {
  readonly code = 'conflict';

  constructor(slug: string) {
    super(`a client with slug "${slug}" already exists`);
  }
}

/** The client's token is rejected by the upstream (401/403) or unusable: permanent for this run. */
export class UpstreamUnauthorizedError extends AppError {
  readonly code = 'upstream_unauthorized';

  constructor(clientSlug: string, reason = 'the upstream rejected it (HTTP 401)') {
    super(`the API token of client "${clientSlug}" is not usable: ${reason}; check the client's apiToken`);
  }
}

/** The upstream kept failing (5xx, 429, timeouts, bad bodies) after every retry, or refused the request. */
export class UpstreamUnavailableError extends AppError {
  readonly code = 'upstream_unavailable';
}

/** The ticket was deleted upstream after it was listed (404 on its messages). */
export class TicketGoneUpstreamError extends AppError {
  readonly code = 'ticket_gone_upstream';

  constructor(readonly ticketUuid: string) {
    super(`ticket ${ticketUuid} no longer exists upstream`);
  }
}

/** A run was cancelled while a client was being processed; it stopped at its next checkpoint. */
export class RunCancelledError extends AppError {
  readonly code = 'run_cancelled';

  constructor() {
    super('the run was cancelled');
  }
}

/** Cancelling a run that has already finished. */
export class RunAlreadyFinishedError extends AppError {
  readonly code = 'conflict';

  constructor(id: string, status: string) {
    super(`job ${id} has already finished (${status})`);
  }
}

/** A reconcile cannot count what the upstream has: it gives no `meta.total`, or the client's data moves faster than it can be counted. */
export class ReconcileNotPossibleError extends AppError {
  readonly code = 'reconcile_not_possible';
}
