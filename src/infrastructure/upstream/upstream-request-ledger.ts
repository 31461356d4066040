/** A block of one client's upstream permits, as the ledger holds it. */
export interface LedgerBlock {
  /** The connection (one per client and process) that reserved it. */
  holder: string;
  /** Numbered by its holder, from 1. */
  block: number;
  permits: number;
  /** How long from now its permits still count. */
  heldForMs: number;
}

/** What a holder writes of one of its blocks: a reservation, or a later, tighter account of it. */
export type LedgerWrite = Omit<LedgerBlock, 'holder'>;

/**
 * The record of each client's upstream requests of the current rate window, shared by every
 * process on the database, so that whichever works on a client next counts them. Written ahead
 * of sending, in blocks of permits. Durations, not timestamps, cross this interface: the store
 * measures them on its own clock, so processes' clocks need not agree.
 */
export interface UpstreamRequestLedger {
  /** Every block of the client still held, whoever reserved it. */
  held(clientId: string): Promise<LedgerBlock[]>;

  /**
   * In one round trip: writes `holder`'s blocks (new or rewritten), drops the client's blocks no
   * longer held, and returns the blocks other holders still hold.
   */
  record(clientId: string, holder: string, writes: LedgerWrite[]): Promise<LedgerBlock[]>;
}
