import type { Contact } from '../contacts/contact.js';

export interface SavedContactsPage {
  contacts: number;
  tags: number;
}

/** A live stored contact that the pass in progress has not seen (yet). */
export interface UnseenContact {
  id: string;
  /**
   * How many contacts this pass saw with a smaller id: where the contact would sit in the upstream
   * listing if it still existed (an estimate, to choose the page to look at).
   */
  seenBefore: number;
  /** A previous complete pass proved it missing, but the deletion guard held its deletion. */
  deletionHeld: boolean;
}

/** Stored contacts, tags and contact tags of a client. */
export interface ContactStore {
  /**
   * Atomically upserts the contacts (marking them seen in `pass`, not deleted, no deletion held)
   * and their tags, and replaces each contact's tag set with the given one. Idempotent.
   */
  savePage(clientId: string, contacts: Contact[], pass: number): Promise<SavedContactsPage>;

  /** The client's contacts not deleted and not seen in `pass`. */
  listUnseen(clientId: string, pass: number): Promise<UnseenContact[]>;

  /** How many of the client's contacts are not marked deleted. */
  countLive(clientId: string): Promise<number>;

  /** Marks deleted those of `ids` still live and unseen in `pass`; returns how many it marked. */
  markDeleted(clientId: string, ids: string[], pass: number): Promise<number>;

  /** Records that `pass` proved these contacts missing but held their deletion (the guard). */
  holdDeletion(clientId: string, ids: string[], pass: number): Promise<void>;
}
