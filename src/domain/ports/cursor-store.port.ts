/** Per-client sync cursors (`sync_cursors`), keyed by CURSOR_KEYS. */
export interface CursorStore {
  get(clientId: string, key: string): Promise<string | null>;
  set(clientId: string, key: string, value: string): Promise<void>;
  /** Forgets a cursor (a backfill's checkpoint once it is done); nothing happens when there is none. */
  delete(clientId: string, key: string): Promise<void>;
  /** Forgets every cursor whose key starts with `prefix` (the checkpoints of one run's repair windows). */
  deleteStartingWith(clientId: string, prefix: string): Promise<void>;
}
