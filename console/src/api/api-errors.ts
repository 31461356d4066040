/** Why a call to the admin API failed, as the console tells it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** `validation_failed`: a message per field. */
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** The token was refused (401). */
export class UnauthorizedError extends ApiError {}

/** Too many wrong tokens from this address (429): the service refuses every token for a while. */
export class ThrottledError extends ApiError {
  constructor(
    message: string,
    /** Seconds, from Retry-After; null when absent. */
    readonly retryAfterSeconds: number | null,
  ) {
    super(429, 'too_many_attempts', message);
  }
}

/** The service could not be reached at all. */
export class NetworkError extends ApiError {
  constructor() {
    super(0, 'network', 'The service did not answer. Is it running?');
  }
}

interface ErrorBody {
  error?: unknown;
  message?: unknown;
  fields?: unknown;
}

/** Turns a non-2xx answer into the error the views show; never includes anything the request sent. */
export async function errorFrom(response: Response): Promise<ApiError> {
  let body: ErrorBody = {};
  try {
    body = (await response.json()) as ErrorBody;
  } catch {
    // Not JSON: the status alone says what happened.
  }
  const code = typeof body.error === 'string' ? body.error : `http_${response.status}`;
  const message = typeof body.message === 'string' ? body.message : code;
  if (response.status === 401) return new UnauthorizedError(401, code, 'The service refused this admin token.');
  if (response.status === 429) {
    const retryAfter = Number(response.headers.get('retry-after'));
    return new ThrottledError('Too many wrong tokens were sent from this address: the service refuses sign-ins for a while.', Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null);
  }
  const fields = body.fields && typeof body.fields === 'object' ? Object.fromEntries(Object.entries(body.fields).filter((entry): entry is [string, string] => typeof entry[1] === 'string')) : {};
  return new ApiError(response.status, code, message, fields);
}
