import { createRequire } from 'node:module';
import { componentSchemas } from './component-schemas.js';
import type { OpenApiDocument, Paths } from './openapi-types.js';
import { clientPaths } from './paths/clients.paths.js';
import { consolePaths } from './paths/console.paths.js';
import { docsPaths } from './paths/docs.paths.js';
import { jobRunPaths } from './paths/job-runs.paths.js';
import { jobTriggerPaths } from './paths/job-triggers.paths.js';
import { maintenanceJobPaths } from './paths/maintenance-jobs.paths.js';
import { metricsPaths } from './paths/metrics.paths.js';
import { probePaths } from './paths/probes.paths.js';
import { webhookPaths } from './paths/webhooks.paths.js';
import { ADMIN_TOKEN_SCHEME, headers, parameters, responses, securitySchemes } from './shared-components.js';

// The same path from src/ (tsx) and from dist/ (the build): four levels below the package root.
const { name, version } = createRequire(import.meta.url)('../../../../package.json') as { name: string; version: string };

/** Every documented route, one file per feature: a new route goes in its feature's file (or a new file listed here). */
const PATHS: Paths[] = [probePaths, docsPaths, metricsPaths, jobTriggerPaths, maintenanceJobPaths, jobRunPaths, clientPaths, webhookPaths, consolePaths];

const TAGS = [
  { name: 'Jobs', description: 'Start an import or a contacts sync (the origin contract: `docs/origin-api.md` in the repository), a reconcile or a backfill.' },
  { name: 'Job runs', description: 'Follow, list and cancel the runs the triggers queue.' },
  { name: 'Clients', description: 'The tenants whose helpdesk data is imported.' },
  { name: 'Webhooks', description: 'The signed events sent to downstream receivers when runs and client shares finish (README: Webhooks).' },
  { name: 'Probes', description: 'For load balancers and orchestrators; no token.' },
  { name: 'Docs', description: 'This document and a page to read it; no token.' },
  { name: 'Metrics', description: 'For Prometheus; behind its own token (METRICS_TOKEN) when the service has one.' },
  { name: 'Console', description: 'The admin console in the browser, at [/console](/console); no token to load it.' },
];

const DESCRIPTION = `Imports tickets, messages, contacts and tags from an external helpdesk API into PostgreSQL. This API starts the jobs, follows their runs and manages the clients.

**[Open the admin console](/console)**: the same, in the browser (clients, runs with live progress, every trigger a click away).

- **Token**: every route but the probes, the docs and the metrics needs \`x-admin-token\`. A missing or wrong one is \`401 {"error":"unauthorized"}\`; an address that sends a wrong one more than 30 times within a minute gets \`429 {"error":"too_many_attempts"}\` (with \`Retry-After\`) for the rest of that minute, while the right token always passes. Without the token no other path answers anything but 401 (or 429), whether it exists or not.
- **Errors** are JSON \`{"error": code, "message"?: text}\`, plus \`fields\` for \`validation_failed\`; never a stack trace. Anything unexpected is \`500 {"error":"internal_error"}\`. With the token, an unknown path is \`404 {"error":"not_found"}\` and a method a path does not list is \`405 {"error":"method_not_allowed"}\`.
- **Bodies**: JSON only where a body is accepted (another type is 415), at most 64 KB (more is 413).
- **Request ids**: every response carries \`X-Request-Id\`, also written on the request's log lines.
- **Times** are ISO-8601 in UTC, as in \`2026-11-28T10:00:00.000Z\`.`;

/** The OpenAPI 3.1 document of the HTTP API; built once, when the router is. */
export function buildOpenApiDocument(): OpenApiDocument {
  return {
    openapi: '3.1.0',
    info: { title: name, version, description: DESCRIPTION, contact: { name: 'The helpdesk-importer maintainers' }, license: { name: 'Proprietary: all rights reserved', identifier: 'LicenseRef-Proprietary' } },
    // Relative: the service that serves this document is the one it describes, wherever it runs.
    servers: [{ url: '/', description: 'This service' }],
    tags: TAGS,
    security: [{ [ADMIN_TOKEN_SCHEME]: [] }],
    paths: mergePaths(PATHS),
    components: { schemas: componentSchemas, responses, parameters, headers, securitySchemes },
  };
}

function mergePaths(groups: Paths[]): Paths {
  const merged: Paths = {};
  for (const group of groups) {
    for (const [path, item] of Object.entries(group)) {
      if (merged[path]) throw new Error(`${path} is documented twice`);
      merged[path] = item;
    }
  }
  return merged;
}
