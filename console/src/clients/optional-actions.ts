import type { ApiCatalog } from '../api/api-catalog.js';
import type { ClientActivity } from '../api/types.js';
import { driftText } from '../shared/drift-text.js';

/*
 * Triggers that only some versions of the service have (issue 11: reconcile and backfill). Each
 * shows up by itself once the service's OpenAPI document lists its path, so this list is the
 * only place to change when such an endpoint changes or another one is added.
 */

export interface ActionField {
  name: string;
  label: string;
  type: 'checkbox' | 'datetime-local';
  required?: boolean;
  /** Shown under the input (and named by its aria-describedby). */
  help?: string;
}

export interface OptionalAction {
  label: string;
  /** The path as the OpenAPI document templates it: present there = the action is offered. */
  documentedPath: string;
  path(slug: string): string;
  fields: ActionField[];
  body(values: Record<string, string | boolean>): Record<string, unknown>;
}

export const OPTIONAL_ACTIONS: OptionalAction[] = [
  {
    label: 'Reconcile',
    documentedPath: '/api/jobs/reconcile/{slug}',
    path: (slug) => `/api/jobs/reconcile/${encodeURIComponent(slug)}`,
    fields: [{ name: 'repair', label: 'Repair the drift found (re-import what differs)', type: 'checkbox' }],
    body: (values) => (values.repair === true ? { repair: true } : {}),
  },
  {
    label: 'Backfill',
    documentedPath: '/api/jobs/backfill/{slug}',
    path: (slug) => `/api/jobs/backfill/${encodeURIComponent(slug)}`,
    fields: [
      { name: 'from', label: 'From (UTC)', type: 'datetime-local', required: true },
      { name: 'to', label: 'To (UTC, optional)', type: 'datetime-local', help: 'default: the client’s cursor as the backfill starts' },
    ],
    body: (values) => ({ from: isoOf(values.from), ...(values.to ? { to: isoOf(values.to) } : {}) }),
  },
];

/** The optional actions this service offers. */
export function availableActions(catalog: ApiCatalog): OptionalAction[] {
  return OPTIONAL_ACTIONS.filter((action) => catalog.postPaths.has(action.documentedPath));
}

/** Whether to show the "last reconcile drift" column: the service runs reconciles. */
export function showsDrift(catalog: ApiCatalog): boolean {
  return catalog.kinds.includes('reconcile');
}

/** The drift the client's latest reconcile found, as text, and whether its repair fixed it. */
export function driftOf(activity: ClientActivity | undefined): string {
  const reconcile = activity?.lastRuns.reconcile;
  if (!reconcile) return '—';
  return driftText(reconcile.stats) ?? (reconcile.status === 'succeeded' ? '—' : reconcile.status);
}

/** `datetime-local` gives local wall time without a zone; the form says UTC, so it is read as UTC. */
function isoOf(value: string | boolean | undefined): string {
  return typeof value === 'string' && value ? new Date(`${value}Z`).toISOString() : '';
}
