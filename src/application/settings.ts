export interface ImportSettings {
  /** Where a client's first ticket import starts (`IMPORT_START_AT`); null = the beginning of time. */
  importStartAt: Date | null;
  /** Page size of ticket and message listings (the upstream caps it at 100). */
  pageSize: number;
}

export interface JobSettings {
  /** How long finished runs are kept in `job_runs` (`JOB_HISTORY_DAYS`). */
  historyDays: number;
}

export interface ReconcileSettings {
  /** Tickets whose message counts a reconcile compares (`RECONCILE_SAMPLE`), spread over the window. */
  sampleSize: number;
}
