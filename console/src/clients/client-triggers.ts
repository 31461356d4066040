/*
 * The triggers every version of the service has: one client, or every active client. The
 * optional ones (reconcile, backfill) are in optional-actions.ts.
 */

export interface Trigger {
  label: string;
  /** What a screen reader hears on a row's button: the label and the client. */
  describe(slug: string): string;
  path(slug: string): string;
  body(slug: string): unknown;
}

export const CLIENT_TRIGGERS: Trigger[] = [
  { label: 'Import', describe: (slug) => `Import ${slug}`, path: (slug) => `/api/jobs/import/${encodeURIComponent(slug)}`, body: () => undefined },
  { label: 'Sync contacts', describe: (slug) => `Sync contacts of ${slug}`, path: () => '/api/admin/sync/contacts', body: (slug) => ({ clientSlug: slug }) },
];

export const ALL_CLIENTS_TRIGGERS: { label: string; path: string }[] = [
  { label: 'Import all', path: '/api/jobs/import' },
  { label: 'Sync all contacts', path: '/api/admin/sync/contacts' },
];

/** Column headings of the latest run of each kind the service reports; a kind added later gets a plain one. */
export function lastRunHeading(kind: string): string {
  const known: Record<string, string> = { import: 'Last import', 'contacts-sync': 'Last contacts sync', reconcile: 'Last reconcile', backfill: 'Last backfill' };
  return known[kind] ?? `Last ${kind}`;
}
