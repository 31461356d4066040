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
  /** An earlier complete pass (not this one) proved it missing, but the deletion guard held its deletion. */
  deletionHeld: boolean;
  /** An earlier complete pass (not this one) suspected it missing, on evidence not sound on its own. */
  deletionSuspected: boolean;
}

/** What a complete pass decided about contacts it did not see. */
export interface PassDeletions {
  /** To mark deleted. */
  delete: string[];
  /** Proven missing, their deletion held by the deletion guard. */
  hold: string[];
  /** Suspected missing: the next complete pass marks them deleted if it finds them missing too. */
  suspect: string[];
}

/** Stored contacts, tags and contact tags of a client. */
export interface ContactStore {
  /**
   * Atomically upserts the contacts (marking them seen in `pass`, not deleted, no deletion held or suspected)
   * and their tags, and replaces each contact's tag set with the given one. Idempotent.
   */
  savePage(clientId: string, contacts: Contact[], pass: number): Promise<SavedContactsPage>;

  /** The client's contacts not deleted and not seen in `pass`. */
  listUnseen(clientId: string, pass: number): Promise<UnseenContact[]>;

  /** How many of the client's contacts are not marked deleted. */
  countLive(clientId: string): Promise<number>;

  /**
   * Applies what the complete `pass` decided, in one transaction, to those of the contacts still
   * live and unseen in `pass`: marks `delete` deleted (clearing any hold or suspicion), records
   * `pass` as the one that held `hold` or suspected `suspect`. Returns how many it marked deleted.
   */
  applyDeletions(clientId: string, pass: number, deletions: PassDeletions): Promise<number>;
}
