/** Rows a reconcile found the upstream to have and the database to lack, per table. */
export interface MissingRows {
  tickets: number;
  /** Over the sampled tickets: the messages upstream beyond those stored. */
  messages: number;
  contacts: number;
}

/** Where the last reconcile result of each client is published (`helpdesk_importer_reconcile_missing_rows`). */
export interface ReconcileGauge {
  record(clientSlug: string, missing: MissingRows): void;
}
