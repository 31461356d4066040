import { UpstreamUnavailableError } from '../../domain/errors.js';
import type { UnseenContact } from '../../domain/ports/contact-store.port.js';
import { boundsOf, burstSuggestsMissing, compareIds, showsMissing, suggestsMissingAtTheEnd, type ListedContactsPage, type PageBounds } from './listing-evidence.js';

export interface MissingContactsSearch {
  /** Proven missing by one answer, a rule sound on its own (listing-evidence.ts). */
  missing: string[];
  /** Found missing only by evidence that is not sound on its own: the next complete pass must find them missing too. */
  suspected: string[];
  /** Neither seen nor found missing within the bounds: left as they are until a later pass. */
  unresolved: string[];
  requests: number;
  /** The upstream failed while the search looked again: it stopped there, what it had not decided is unresolved. */
  failed: boolean;
}

/** Rounds of looks: one to look, more for a contact whose place moved meanwhile. */
const MAX_ROUNDS = 4;

interface Pending {
  id: string;
  /** How many contacts come before its place in the listing: where to look. */
  place: number;
}

/**
 * Decides which of the contacts a pass did not see are gone upstream. The listing pages by offset
 * over an id order that shifts whenever a contact is created or deleted, so a contact that exists
 * all along can slip between two pages read one after the other: not being seen proves nothing.
 *
 * 1. The pass's own pages prove most deletions for free (showsMissing).
 * 2. For the others, each round looks where each contact would sit now (from how many contacts
 *    the pass saw below it): the page holding its place, or — for a place exactly between two
 *    pages, which no single page shows — both pages read p, p + 1, p, p + 1 back to back. A
 *    contact found there is simply seen (the caller stores every page it reads); one an answer
 *    shows missing is missing; one a burst shows between the pages (or a short page with no
 *    `meta.total` shows past the end) is only suspected; the others are looked for again where
 *    the answers now place them. The second reads of two pages happen only while a contact placed
 *    between them is in doubt after the first.
 *
 * At most MAX_ROUNDS rounds and `maxRequests` requests, and it stops when the upstream fails:
 * what is still undecided stays as it is, and the next pass decides it.
 */
export async function findMissingContacts(
  unseen: UnseenContact[],
  readPage: (page: number) => Promise<ListedContactsPage>,
  options: { pageSize: number; maxRequests: number; walked: ReadonlyMap<number, PageBounds> },
): Promise<MissingContactsSearch> {
  const size = options.pageSize;
  const search: MissingContactsSearch = { missing: [], suspected: [], unresolved: [], requests: 0, failed: false };
  let pending: Pending[] = unseen.map((contact) => ({ id: contact.id, place: contact.seenBefore })).sort((a, b) => compareIds(a.id, b.id));

  const walked = [...options.walked.values()];
  pending = pending.filter((contact) => {
    const proven = walked.some((page) => showsMissing(page, contact.id, size));
    if (proven) search.missing.push(contact.id);
    return !proven;
  });

  for (let round = 0; round < MAX_ROUNDS && pending.length > 0 && !search.failed; round++) {
    const looks = looksFor(pending, size);
    // A look between two pages may take both pages twice.
    const cost = looks.reduce((sum, look) => sum + (look.length === 2 ? 4 : 1), 0);
    if (search.requests + cost > options.maxRequests) break;
    const answered: ListedContactsPage[][] = [];
    const read = async (answers: ListedContactsPage[], pages: number[]) => {
      for (const page of pages) {
        answers.push(await readPage(page));
        search.requests += 1;
      }
    };
    try {
      for (const look of looks) {
        const answers: ListedContactsPage[] = [];
        answered.push(answers);
        await read(answers, look);
        // Read both pages again, right away, only if a contact placed between them is still in doubt.
        const between = look.length === 2 ? pending.filter((c) => c.place === look[0]! * size) : [];
        if (between.some((contact) => !decides(answers, contact.id, size))) await read(answers, look);
      }
    } catch (error) {
      if (!(error instanceof UpstreamUnavailableError)) throw error;
      search.failed = true;
    }

    const answers = answered.flat();
    const listed = new Set(answers.flatMap((answer) => answer.ids));
    const bounds = answers.map((answer) => boundsOf(answer, size));
    const bursts = answered.filter((answers) => answers.length === 4);
    const undecided: Pending[] = [];
    for (const contact of pending) {
      if (listed.has(contact.id)) continue;
      if (bounds.some((page) => showsMissing(page, contact.id, size))) search.missing.push(contact.id);
      else if (bounds.some((page) => suggestsMissingAtTheEnd(page, contact.id, size)) || bursts.some((burst) => burstSuggestsMissing(burst, contact.id, size))) search.suspected.push(contact.id);
      else undecided.push({ id: contact.id, place: placeIn(bounds, contact.id, size) ?? contact.place });
    }
    pending = undecided;
  }
  search.unresolved = pending.map((contact) => contact.id);
  return search;
}

/**
 * The looks of a round, in page order: page p for a place inside it; pages p and p + 1 for a place
 * exactly between them (`place` contacts before it, a multiple of the page size).
 */
function looksFor(pending: Pending[], size: number): number[][] {
  const boundaries = new Set(pending.filter((c) => c.place > 0 && c.place % size === 0).map((c) => c.place / size));
  const inPairs = new Set([...boundaries].flatMap((p) => [p, p + 1]));
  const singles = new Set(pending.map((c) => Math.floor(c.place / size) + 1).filter((page) => !inPairs.has(page)));
  const looks = [...[...boundaries].map((p) => [p, p + 1]), ...[...singles].map((page) => [page])];
  return looks.sort((a, b) => a[0]! - b[0]!);
}

/** The answers show the contact, or prove it missing: no need to read them again. */
function decides(answers: ListedContactsPage[], id: string, size: number): boolean {
  return answers.some((answer) => answer.ids.includes(id) || showsMissing(boundsOf(answer, size), id, size));
}

/**
 * Where the answers of a round place the contact, to look there in the next round; null when they
 * say nothing. Between two pages only when both were read and show it there; otherwise inside the
 * next page towards it, which one read shows.
 */
function placeIn(bounds: PageBounds[], id: string, size: number): number | null {
  const shown = bounds.filter((page) => page.trustworthy);
  const above = shown.filter((page) => compareIds(id, page.first!) < 0).sort((a, b) => a.page - b.page)[0];
  const below = shown.filter((page) => compareIds(page.last!, id) < 0).sort((a, b) => b.page - a.page)[0];
  if (above && below?.page === above.page - 1) return below.page * size;
  const page = above ? above.page - 1 : below ? below.page + 1 : null;
  return page === null ? null : (page - 1) * size + 1;
}
