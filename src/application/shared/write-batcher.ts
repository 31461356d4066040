/**
 * Write-combining: items added while a write is under way are written together by the next
 * one, so one writer in flight at a time absorbs any rate of additions in as few statements as
 * the store's speed allows. After a write fails, `onError` is told once and nothing more is
 * written.
 */
export class WriteBatcher<T> {
  private pending: T[] = [];
  private writing: Promise<void> | null = null;
  private failed = false;

  constructor(
    private readonly write: (batch: T[]) => Promise<void>,
    private readonly onError: (error: unknown) => void,
    /** At most this many items a write: a bound on the size of one statement, and on the memory it takes. */
    private readonly maxBatch = Infinity,
  ) {}

  add(item: T): void {
    if (this.failed) return;
    this.pending.push(item);
    this.writing ??= this.writeAll();
  }

  /** Resolves once everything added so far has been written (or given up on). */
  async drain(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async writeAll(): Promise<void> {
    // Items added in the same tick as the first (a page of unchanged tickets) share its write.
    await null;
    try {
      while (this.pending.length && !this.failed) {
        const batch = this.pending.splice(0, this.maxBatch);
        await this.write(batch);
      }
    } catch (error) {
      this.failed = true;
      this.pending = [];
      this.onError(error);
    } finally {
      this.writing = null;
    }
  }
}
