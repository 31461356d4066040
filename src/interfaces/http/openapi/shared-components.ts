import { schemaRef } from './component-schemas.js';
import type { Header, JsonSchema, MediaType, Parameter, Reference, Response } from './openapi-types.js';

/** The admin token every route outside the open ones requires. */
export const ADMIN_TOKEN_SCHEME = 'adminToken';

/** `GET /metrics` only, and only when the service has a METRICS_TOKEN. */
export const METRICS_TOKEN_SCHEME = 'metricsToken';

export const securitySchemes = {
  [ADMIN_TOKEN_SCHEME]: {
    type: 'apiKey' as const,
    in: 'header' as const,
    name: 'x-admin-token',
    description: 'The service’s ADMIN_TOKEN, compared in constant time.',
  },
  [METRICS_TOKEN_SCHEME]: {
    type: 'http' as const,
    scheme: 'bearer' as const,
    description: 'The service’s METRICS_TOKEN, when it has one (`Authorization: Bearer …`, what Prometheus sends with `authorization.credentials`).',
  },
};

/** Mirrors request-logging's FORWARDED_ID. */
const REQUEST_ID_PATTERN = '^[\\w.:-]{1,128}$';

export const headers = {
  RequestId: {
    description: 'The request’s id, also on each of its log lines: the `X-Request-Id` the request came with when it matches the pattern, else a new UUID.',
    required: true,
    schema: { type: 'string', pattern: REQUEST_ID_PATTERN },
  },
  JobRunLocation: {
    description: 'The run the trigger queued or joined: `GET` it for its progress.',
    required: true,
    schema: { type: 'string', pattern: '^/api/jobs/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' },
  },
  ClientLocation: {
    description: 'The registered client.',
    required: true,
    schema: { type: 'string', pattern: '^/api/admin/clients/[^/]+$' },
  },
  ImporterNotice: {
    description: 'Sent when the slug is one no client could ever have (not 1–100 lowercase letters, digits, "-" or "_"), most likely a typo: the run is queued as the contract says, and will process nothing.',
    required: false,
    schema: { type: 'string' },
  },
  RetryAfter: {
    description: 'Seconds until the address’s window ends and wrong tokens are answered 401 again.',
    required: true,
    schema: { type: 'integer', minimum: 1 },
  },
} satisfies Record<string, Header>;

export const parameters = {
  RequestId: {
    name: 'X-Request-Id',
    in: 'header',
    description: 'An id a proxy in front already gave the request. Kept when it matches the pattern; any other value is replaced by a new UUID, not refused.',
    required: false,
    schema: { type: 'string', pattern: REQUEST_ID_PATTERN },
  },
} satisfies Record<string, Parameter>;

export const requestIdParameter: Reference = { $ref: '#/components/parameters/RequestId' };

export function headerRef(name: keyof typeof headers): Reference {
  return { $ref: `#/components/headers/${name}` };
}

/** A response: every one carries `X-Request-Id`, whatever else it has. */
export function response(description: string, content: Record<string, MediaType>, ownHeaders: Record<string, Header | Reference> = {}): Response {
  return { description, headers: { 'X-Request-Id': headerRef('RequestId'), ...ownHeaders }, content };
}

export function jsonResponse(description: string, schema: JsonSchema, ownHeaders: Record<string, Header | Reference> = {}): Response {
  return response(description, { 'application/json': { schema } }, ownHeaders);
}

export const responses = {
  Unauthorized: jsonResponse('The `x-admin-token` header is missing or wrong.', schemaRef('UnauthorizedError')),
  TooManyAttempts: jsonResponse(
    'This address sent a wrong token more than 30 times in its current minute: every wrong token is refused this way until the window ends. The right token still passes.',
    schemaRef('TooManyAttemptsError'),
    { 'Retry-After': headerRef('RetryAfter') },
  ),
  InternalError: jsonResponse('An unexpected failure (the database unreachable, say). The body never says more.', schemaRef('InternalError')),
  PayloadTooLarge: jsonResponse('The body is larger than 64 KB.', schemaRef('PayloadTooLargeError')),
  UnsupportedMediaType: jsonResponse('A non-empty body that is not `application/json`.', schemaRef('UnsupportedMediaTypeError')),
} satisfies Record<string, Response>;

export function responseRef(name: keyof typeof responses): Reference {
  return { $ref: `#/components/responses/${name}` };
}

/** An admin operation's own responses, plus those the token check and the error handler give to every one. */
export function adminResponses(own: Record<string, Response | Reference>): Record<string, Response | Reference> {
  return { ...own, '401': responseRef('Unauthorized'), '429': responseRef('TooManyAttempts'), '500': responseRef('InternalError') };
}

/** The 400 of a route that takes no query parameter, sent one. */
export const unknownQueryParameter: Response = jsonResponse('A query parameter was sent; this route takes none, and `message` names it.', schemaRef('InvalidQueryError'));
