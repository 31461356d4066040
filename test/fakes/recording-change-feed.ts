import type { ChangeFeed, StoredChange } from '../../src/domain/ports/change-feed.port.js';

/** Keeps every announcement, in order; `failWith` makes announcing throw (a lost connection). */
export class RecordingChangeFeed implements ChangeFeed {
  readonly announced: StoredChange[] = [];
  failWith: Error | null = null;

  async announce(change: StoredChange): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.announced.push(change);
  }
}
