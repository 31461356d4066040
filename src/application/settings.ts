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

export interface ContactsSettings {
  /**
   * `CONTACTS_DELETE_GUARD`: a pass that would mark deleted more than this share of a client's live
   * contacts (and more than DELETE_GUARD_MIN_CONTACTS of them) holds those deletions; 1 = no guard.
   */
  deleteGuard: number;
}

export const DEFAULT_CONTACTS_SETTINGS: ContactsSettings = { deleteGuard: 0.2 };

export interface ReconcileSettings {
  /** Tickets whose message counts a reconcile compares (`RECONCILE_SAMPLE`), spread over the window. */
  sampleSize: number;
}

export interface WebhookSendingSettings {
  /** This process has WEBHOOK_SECRET (so it signs, and its workers send). */
  signs: boolean;
  /**
   * The sending process's WEBHOOK_URL: where a delivery queued for the service's receiver
   * without a URL (by a process that could not know it) goes; null: such a delivery fails, saying so.
   */
  serviceUrl: string | null;
}
