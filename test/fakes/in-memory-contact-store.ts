import type { Contact, Tag } from '../../src/domain/contacts/contact.js';
import type { ContactStore, SavedContactsPage } from '../../src/domain/ports/contact-store.port.js';

export interface StoredContact {
  contact: Contact;
  seenInPass: number;
  deleted: boolean;
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
 * markUnseenDeleted marks the not-yet-deleted contacts not seen in the pass. Calls recorded.
 */
export class InMemoryContactStore implements ContactStore {
  readonly savedPages: { clientId: string; contacts: Contact[]; pass: number }[] = [];
  readonly markUnseenDeletedCalls: { clientId: string; pass: number; marked: number }[] = [];
  onSavePage: SavePageHook | undefined;
  private savePageCalls = 0;
  private readonly data = new Map<string, ClientData>();

  /** Stores a contact as a previous sync would have. */
  seed(clientId: string, contact: Contact, state: { seenInPass: number; deleted?: boolean }): this {
    const data = this.of(clientId);
    for (const tag of contact.tags) data.tags.set(tag.id, { ...tag });
    data.contacts.set(contact.id, { contact: structuredClone(contact), seenInPass: state.seenInPass, deleted: state.deleted ?? false, tagIds: contact.tags.map((t) => t.id) });
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
      data.contacts.set(contact.id, { contact, seenInPass: pass, deleted: false, tagIds: [...new Set(contact.tags.map((t) => t.id))] });
    }
    return { contacts: unique.length, tags: tags.size };
  }

  async markUnseenDeleted(clientId: string, pass: number): Promise<number> {
    let marked = 0;
    for (const stored of this.of(clientId).contacts.values()) {
      if (stored.seenInPass !== pass && !stored.deleted) {
        stored.deleted = true;
        marked += 1;
      }
    }
    this.markUnseenDeletedCalls.push({ clientId, pass, marked });
    return marked;
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
