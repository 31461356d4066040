/** Per-client sync cursors (`sync_cursors`), keyed by CURSOR_KEYS. */
export interface CursorStore {
  get(clientId: string, key: string): Promise<string | null>;
  set(clientId: string, key: string, value: string): Promise<void>;
}
