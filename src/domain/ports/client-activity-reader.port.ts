import type { ClientLastRun, StoredCounts } from '../clients/client-activity.js';

/** Read-only facts about clients gathered from the stored data and the run history, many clients in one call each. */
export interface ClientActivityReader {
  /** Rows stored for each client id; a client with none counts zeros. */
  storedCounts(clientIds: string[]): Promise<Map<string, StoredCounts>>;
  /** Each client id's cursors, keyed by cursor key; a client with none maps to `{}` or is absent. */
  cursors(clientIds: string[]): Promise<Map<string, Record<string, string>>>;
  /** For each slug, its share of the latest run (by request time) of each kind it took part in; absent when none. */
  lastRuns(slugs: string[]): Promise<Map<string, ClientLastRun[]>>;
}
