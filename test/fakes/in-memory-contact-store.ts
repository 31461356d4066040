import type { Contact, Tag } from '../../src/domain/contacts/contact.js';
import { compareIds } from '../../src/application/sync-contacts/listing-evidence.js';
import type { ContactStore, PassDeletions, SavedContactsPage, UnseenContact } from '../../src/domain/ports/contact-store.port.js';

export interface StoredContact {
  contact: Contact;
  seenInPass: number;
  deleted: boolean;
  /** The pass that held its deletion (the guard); null when none did. */
  deletionHeldInPass: number | null;
  /** The pass that suspected it missing; null when none did. */
  deletionSuspectedInPass: number | null;
  tagIds: string[];
}

/** Called before a page is saved; throwing fails the save atomically (nothing is written). */
export type SavePageHook = (request: { clientId: string; contacts: Contact[]; pass: number; call: number }) => void | Promise<void>;

interface ClientData {
  contacts: Map<string, StoredContact>;
  tags: Map<string, Tag>;
}

/**
 * Stored contacts and tags per client, with the ContactStore semantics: a saved contact is
 * marked seen in the pass and not deleted, its tag set replaced by the given one;
 * applyDeletions touches only the given contacts still live and unseen in the pass, and fails as a
 * whole when `onApplyDeletions` throws. Calls recorded.
 */
export class InMemoryContactStore implements ContactStore {
  readonly savedPages: { clientId: string; contacts: Contact[]; pass: number }[] = [];
  readonly applyDeletionsCalls: { clientId: string; pass: number; deletions: PassDeletions; marked: number }[] = [];
  onSavePage: SavePageHook | undefined;
  /** Called before a pass's deletions are applied; throwing fails them atomically (nothing is written). */
  onApplyDeletions: (() => void | Promise<void>) | undefined;
  private savePageCalls = 0;
  private readonly data = new Map<string, ClientData>();

  /** Stores a contact as a previous sync would have. */
  seed(clientId: string, contact: Contact, state: { seenInPass: number; deleted?: boolean; deletionHeldInPass?: number; deletionSuspectedInPass?: number }): this {
    const data = this.of(clientId);
    for (const tag of contact.tags) data.tags.set(tag.id, { ...tag });
    data.contacts.set(contact.id, { contact: structuredClone(contact), seenInPass: state.seenInPass, deleted: state.deleted ?? false, deletionHeldInPass: state.deletionHeldInPass ?? null, deletionSuspectedInPass: state.deletionSuspectedInPass ?? null, tagIds: contact.tags.map((t) => t.id) });
    return this;
  }

  contact(clientId: string, id: string): StoredContact | undefined {
    const stored = this.of(clientId).contacts.get(id);
    return stored && structuredClone(stored);
  }

  contacts(clientId: string): StoredContact[] {
    return [...this.of(clientId).contacts.values()].map((c) => structuredClone(c));
  }

  /** Ids of the client's contacts marked deleted, sorted. */
  deletedIds(clientId: string): string[] {
    return this.contacts(clientId)
      .filter((c) => c.deleted)
      .map((c) => c.contact.id)
      .sort();
  }

  tag(clientId: string, id: string): Tag | undefined {
    const tag = this.of(clientId).tags.get(id);
    return tag && { ...tag };
  }

  async savePage(clientId: string, contacts: Contact[], pass: number): Promise<SavedContactsPage> {
    const copy = structuredClone(contacts);
    await this.onSavePage?.({ clientId, contacts: copy, pass, call: ++this.savePageCalls });
    this.savedPages.push({ clientId, contacts: copy, pass });
    const unique = [...new Map(copy.map((c) => [c.id, c])).values()];
    const data = this.of(clientId);
    const tags = new Map(unique.flatMap((c) => c.tags).map((t) => [t.id, t]));
    for (const tag of tags.values()) data.tags.set(tag.id, { ...tag });
    for (const contact of unique) {
      data.contacts.set(contact.id, { contact, seenInPass: pass, deleted: false, deletionHeldInPass: null, deletionSuspectedInPass: null, tagIds: [...new Set(contact.tags.map((t) => t.id))] });
    }
    return { contacts: unique.length, tags: tags.size };
  }

  async listUnseen(clientId: string, pass: number): Promise<UnseenContact[]> {
    const all = [...this.of(clientId).contacts.values()].sort((a, b) => compareIds(a.contact.id, b.contact.id));
    let seenBefore = 0;
    const unseen: UnseenContact[] = [];
    for (const stored of all) {
      if (stored.seenInPass === pass) seenBefore += 1;
      else if (!stored.deleted) unseen.push({ id: stored.contact.id, seenBefore, deletionHeld: earlier(stored.deletionHeldInPass, pass), deletionSuspected: earlier(stored.deletionSuspectedInPass, pass) });
    }
    return unseen;
  }

  async countLive(clientId: string): Promise<number> {
    return [...this.of(clientId).contacts.values()].filter((c) => !c.deleted).length;
  }

  async applyDeletions(clientId: string, pass: number, deletions: PassDeletions): Promise<number> {
    await this.onApplyDeletions?.();
    let marked = 0;
    for (const stored of this.unseenAmong(clientId, deletions.delete, pass)) {
      Object.assign(stored, { deleted: true, deletionHeldInPass: null, deletionSuspectedInPass: null });
      marked += 1;
    }
    for (const stored of this.unseenAmong(clientId, deletions.hold, pass)) Object.assign(stored, { deletionHeldInPass: pass, deletionSuspectedInPass: null });
    for (const stored of this.unseenAmong(clientId, deletions.suspect, pass)) stored.deletionSuspectedInPass = pass;
    this.applyDeletionsCalls.push({ clientId, pass, deletions: structuredClone(deletions), marked });
    return marked;
  }

  private unseenAmong(clientId: string, ids: string[], pass: number): StoredContact[] {
    const contacts = this.of(clientId).contacts;
    return ids.flatMap((id) => {
      const stored = contacts.get(id);
      return stored && stored.seenInPass !== pass && !stored.deleted ? [stored] : [];
    });
  }

  private of(clientId: string): ClientData {
    let data = this.data.get(clientId);
    if (!data) {
      data = { contacts: new Map(), tags: new Map() };
      this.data.set(clientId, data);
    }
    return data;
  }
}

/** A hold or suspicion counts only when an earlier pass recorded it, not the pass asking (a retried end of it). */
function earlier(recordedInPass: number | null, pass: number): boolean {
  return recordedInPass !== null && recordedInPass < pass;
}
