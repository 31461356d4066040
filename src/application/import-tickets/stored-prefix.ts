import type { Ticket } from '../../domain/tickets/ticket.js';

/**
 * The listing's tickets in the order they were listed, and which of them are stored. Tickets
 * are stored as they complete, in any order, but the cursor may only move over the longest
 * prefix of the listing that is stored in full: never past a ticket not stored yet, so a crash
 * at any moment resumes at or before every ticket it had not stored.
 */
export class StoredPrefix {
  private readonly open = new Map<number, { updatedAt: Date; stored: boolean }>();
  private next = 0;
  private head = 0;

  /** Appends a listed ticket; returns its position in the listing. */
  listed(ticket: Ticket): number {
    this.open.set(this.next, { updatedAt: ticket.updatedAt, stored: false });
    return this.next++;
  }

  stored(position: number): void {
    const entry = this.open.get(position);
    if (entry) entry.stored = true;
  }

  /** Moves over the tickets now stored in an unbroken run from the head: their greatest `updatedAt`, or null when it did not move. */
  advance(): Date | null {
    let newest: Date | null = null;
    for (let entry = this.open.get(this.head); entry?.stored; entry = this.open.get(this.head)) {
      if (!newest || entry.updatedAt > newest) newest = entry.updatedAt;
      this.open.delete(this.head++);
    }
    return newest;
  }
}
