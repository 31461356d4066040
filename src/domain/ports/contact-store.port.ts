import type { Contact } from '../contacts/contact.js';

export interface SavedContactsPage {
  contacts: number;
  tags: number;
}

/** Stored contacts, tags and contact tags of a client. */
export interface ContactStore {
  /**
   * Atomically upserts the contacts (marking them seen in `pass` and not deleted) and their
   * tags, and replaces each contact's tag set with the given one. Idempotent.
   */
  savePage(clientId: string, contacts: Contact[], pass: number): Promise<SavedContactsPage>;

  /** Marks deleted every contact of the client not seen in `pass`; returns how many it marked. */
  markUnseenDeleted(clientId: string, pass: number): Promise<number>;
}
