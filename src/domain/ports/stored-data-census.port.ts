/** Stored tickets of a client updated in [from, to] (both inclusive), not flagged deleted, except `except` (uuids). */
export interface StoredTicketWindow {
  from: Date;
  to: Date;
  /** Tickets left out: those known to have moved past the window upstream since they were stored. */
  except: string[];
}

/** A stored ticket chosen for a message check. */
export interface SampledTicket {
  uuid: string;
  updatedAt: Date;
  messageCount: number;
}

/**
 * Counts over what is stored of a client, for a reconcile to set against the upstream's
 * counts. Tickets flagged deleted upstream (`deleted_at`) and contacts marked deleted are
 * never counted: the upstream no longer lists them.
 */
export interface StoredDataCensus {
  countTickets(clientId: string, window: StoredTicketWindow): Promise<number>;

  /** The uuids of the window's tickets: what a small stretch's upstream listing is set against. */
  ticketUuids(clientId: string, window: StoredTicketWindow): Promise<string[]>;

  /**
   * The `updatedAt` of the window's ticket at `index` (0-based) in the listing's order
   * (`updatedAt`, then uuid); null past the end. What a bisection splits the window at.
   */
  ticketUpdatedAtAt(clientId: string, window: StoredTicketWindow, index: number): Promise<Date | null>;

  /** Up to `size` of the window's tickets, spread evenly over it in the listing's order, with their stored message counts. */
  sampleTickets(clientId: string, window: StoredTicketWindow, size: number): Promise<SampledTicket[]>;

  /** The client's contacts whose `deleted_at` is null. */
  countLiveContacts(clientId: string): Promise<number>;
}
