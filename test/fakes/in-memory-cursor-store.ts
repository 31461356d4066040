import type { CursorStore } from '../../src/domain/ports/cursor-store.port.js';

/** Per-client cursors in a map; every `set` is recorded in order. */
export class InMemoryCursorStore implements CursorStore {
  readonly sets: { clientId: string; key: string; value: string }[] = [];
  /** Called before a `set`; throwing fails it (nothing is written), as a lost database connection would. */
  onSet: ((request: { clientId: string; key: string; value: string }) => void) | undefined;
  private readonly values = new Map<string, string>();

  seed(clientId: string, key: string, value: string): this {
    this.values.set(keyOf(clientId, key), value);
    return this;
  }

  /** Synchronous read for assertions. */
  value(clientId: string, key: string): string | null {
    return this.values.get(keyOf(clientId, key)) ?? null;
  }

  /** The values set for one cursor, in order. */
  history(clientId: string, key: string): string[] {
    return this.sets.filter((s) => s.clientId === clientId && s.key === key).map((s) => s.value);
  }

  async get(clientId: string, key: string): Promise<string | null> {
    return this.value(clientId, key);
  }

  async delete(clientId: string, key: string): Promise<void> {
    this.values.delete(keyOf(clientId, key));
  }

  async deleteStartingWith(clientId: string, prefix: string): Promise<void> {
    for (const key of [...this.values.keys()]) if (key.startsWith(keyOf(clientId, prefix))) this.values.delete(key);
  }

  async set(clientId: string, key: string, value: string): Promise<void> {
    this.onSet?.({ clientId, key, value });
    this.sets.push({ clientId, key, value });
    this.values.set(keyOf(clientId, key), value);
  }
}

function keyOf(clientId: string, key: string): string {
  return `${clientId}\u0000${key}`;
}
