/** A ticket as the upstream lists it; `raw` is the whole upstream item, unknown fields included. */
export interface Ticket {
  uuid: string;
  protocol: string | null;
  subject: string | null;
  status: string | null;
  channel: string | null;
  contactId: string | null;
  createdAt: Date | null;
  updatedAt: Date;
  closedAt: Date | null;
  raw: Record<string, unknown>;
}

/** A message of a ticket. Upstream messages are append-only: never edited, never deleted. */
export interface Message {
  id: string;
  ticketUuid: string;
  direction: string | null;
  type: string | null;
  body: string | null;
  mediaUrl: string | null;
  senderName: string | null;
  createdAt: Date | null;
  raw: Record<string, unknown>;
}

/** What the store knows of a ticket, enough to decide whether its messages must be fetched. */
export interface StoredTicketState {
  updatedAt: Date;
  messageCount: number;
  /** Flagged deleted upstream (`deleted_at`): its messages answered 404. */
  deleted: boolean;
}

/** A ticket ready to be written; `messages` is null when they were not fetched (ticket unchanged). */
export interface TicketWithMessages {
  ticket: Ticket;
  messages: Message[] | null;
  /**
   * Its messages answered 404: the ticket was deleted upstream (`deleted_at` is set). A ticket
   * written with its messages fetched (`messages` not null, this absent) has `deleted_at` cleared.
   */
  deletedUpstream?: boolean;
}
