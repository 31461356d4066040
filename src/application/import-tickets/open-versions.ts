import type { TicketWithMessages } from '../../domain/tickets/ticket.js';

/**
 * The versions of the tickets in hand. A ticket updated while the listing is walked is listed
 * twice, and its two fetches may complete in either order: the older version must never be
 * written over the newer one. Only tickets with a fetch open are remembered, so memory stays
 * bounded by the tickets in hand.
 */
export class OpenVersions {
  private readonly open = new Map<string, { fetches: number; written: number | null }>();

  /** A fetch of this ticket's messages began. */
  opened(uuid: string): void {
    const versions = this.open.get(uuid) ?? { fetches: 0, written: null };
    versions.fetches += 1;
    this.open.set(uuid, versions);
  }

  /** Of the entries completed together, each ticket's newest version, unless a newer one was written already. */
  worthWriting(entries: TicketWithMessages[]): TicketWithMessages[] {
    const newest = new Map<string, TicketWithMessages>();
    for (const entry of entries) {
      const { uuid, updatedAt } = entry.ticket;
      const other = newest.get(uuid);
      if (other && other.ticket.updatedAt > updatedAt) continue;
      const written = this.open.get(uuid)?.written;
      if (written != null && written > updatedAt.getTime()) continue;
      newest.set(uuid, entry);
    }
    return [...newest.values()];
  }

  /** The fetches of `completed` are over; `written` (some of them) were stored. */
  settled(completed: TicketWithMessages[], written: TicketWithMessages[]): void {
    for (const { ticket } of written) {
      const versions = this.open.get(ticket.uuid);
      if (versions) versions.written = Math.max(versions.written ?? -Infinity, ticket.updatedAt.getTime());
    }
    for (const { ticket } of completed) {
      const versions = this.open.get(ticket.uuid);
      if (versions && --versions.fetches === 0) this.open.delete(ticket.uuid);
    }
  }
}
