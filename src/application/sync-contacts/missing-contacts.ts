import type { UnseenContact } from '../../domain/ports/contact-store.port.js';

/** What one answer of the contacts listing showed: a page, in listing order, with the upstream's count. */
export interface ListedContactsPage {
  page: number;
  ids: string[];
  total: number | null;
}

/** What is kept of an answer to weigh it as evidence; `ids` only for the answers of the current round. */
export interface PageEvidence {
  page: number;
  count: number;
  first: string | undefined;
  last: string | undefined;
  /** The ids came in string order, as the contract says; an answer that breaks it proves nothing. */
  ordered: boolean;
  total: number | null;
  /** Tells two answers with the same ids apart from two that differ, without keeping the ids. */
  fingerprint: string;
  ids?: ReadonlySet<string>;
}

export interface MissingContactsSearch {
  /** Contacts proven missing upstream. */
  missing: string[];
  /** Contacts neither seen nor proven missing within the bounds: left as they are until a later pass. */
  unresolved: string[];
  requests: number;
}

/** Rounds of re-reads: one to look, two more for a contact whose place lies on a page boundary, one spare for a place that moved. */
const MAX_ROUNDS = 4;

/**
 * Decides which of the contacts a pass did not see are really gone upstream. The listing pages
 * by offset over an id order that shifts whenever a contact is created or deleted, so a contact
 * that exists all along can slip between two pages read one after the other. Not being seen
 * therefore proves nothing; what proves a contact missing is one answer that shows where it would
 * be and does not hold it:
 *
 * - a page whose first id is below it and last id above it (a page is a contiguous slice of the
 *   ordered listing at the instant it is answered), or page 1 starting above it, or a short
 *   (last) page ending below it. An empty page proves nothing: an upstream glitch answers those.
 * - when its place is exactly between two pages (the last id of page p below it, the first of
 *   p + 1 above it), no single page can show it: then both pages, read back to back, must give
 *   the same answer twice (same ids, same `meta.total`). A contact slipping between them on both
 *   reads would need the listing to shift back and forth in step with the requests.
 *
 * The pages to read come from where each contact would sit (how many contacts the pass saw below
 * it); a contact found on a page is simply seen (the caller stores the page). At most
 * MAX_ROUNDS rounds and `maxRequests` requests: what is still undecided then stays as it is, and
 * the next pass, which again does not see a contact really gone, decides it.
 */
export async function findMissingContacts(
  unseen: UnseenContact[],
  readPage: (page: number) => Promise<ListedContactsPage>,
  options: { pageSize: number; maxRequests: number; walked: ReadonlyMap<number, PageEvidence> },
): Promise<MissingContactsSearch> {
  const size = options.pageSize;
  const missing: string[] = [];
  let pending = unseen.map((contact) => ({ id: contact.id, place: contact.seenBefore })).sort((a, b) => compareIds(a.id, b.id));
  let requests = 0;

  // The pass's own pages (the ones read by this run) already prove most deletions, for free.
  pending = pending.filter((contact) => {
    const proven = [...options.walked.values()].some((page) => showsMissing(page, contact.id, size));
    if (proven) missing.push(contact.id);
    return !proven;
  });

  let previous: ReadonlyMap<number, PageEvidence> = options.walked;
  for (let round = 0; round < MAX_ROUNDS && pending.length > 0; round++) {
    const pages = [...new Set(pending.flatMap((contact) => pagesAround(contact.place, size)))].sort((a, b) => a - b);
    if (requests + pages.length > options.maxRequests) break;
    const current = new Map<number, PageEvidence>();
    // In ascending order, one after the other: two adjacent pages are read back to back.
    for (const page of pages) current.set(page, evidenceOf(await readPage(page), true));
    requests += pages.length;

    const undecided: typeof pending = [];
    for (const contact of pending) {
      const verdict = judge(contact.id, current, previous, size);
      if (verdict === 'missing') missing.push(contact.id);
      if (verdict === 'undecided') undecided.push({ id: contact.id, place: placeIn(current, contact.id, size) ?? contact.place });
    }
    pending = undecided;
    previous = current;
  }
  return { missing, unresolved: pending.map((contact) => contact.id), requests };
}

/** The evidence one answer gives; `keepIds` for the answers of a round (to see who is there). */
export function evidenceOf(answer: ListedContactsPage, keepIds = false): PageEvidence {
  const { ids } = answer;
  return {
    page: answer.page,
    count: ids.length,
    first: ids[0],
    last: ids.at(-1),
    ordered: ids.every((id, i) => i === 0 || compareIds(ids[i - 1]!, id) < 0),
    total: answer.total,
    fingerprint: fingerprint(ids),
    ...(keepIds ? { ids: new Set(ids) } : {}),
  };
}

/** String order, as the upstream sorts ids. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function judge(id: string, current: ReadonlyMap<number, PageEvidence>, previous: ReadonlyMap<number, PageEvidence>, size: number): 'present' | 'missing' | 'undecided' {
  const pages = [...current.values()];
  if (pages.some((page) => page.ids?.has(id))) return 'present';
  if (pages.some((page) => showsMissing(page, id, size))) return 'missing';
  for (const before of pages) {
    const after = current.get(before.page + 1);
    if (!after || !straddles(before, after, id, size)) continue;
    const beforeEarlier = previous.get(before.page);
    const afterEarlier = previous.get(after.page);
    if (beforeEarlier && afterEarlier && sameAnswer(before, beforeEarlier) && sameAnswer(after, afterEarlier) && before.total === after.total) return 'missing';
  }
  return 'undecided';
}

/** One answer that shows where the contact would be, without it. The caller knows the contact is not on it. */
function showsMissing(page: PageEvidence, id: string, size: number): boolean {
  if (page.count === 0 || !page.ordered) return false;
  const afterFirst = compareIds(page.first!, id) < 0;
  const beforeLast = compareIds(id, page.last!) < 0;
  return (afterFirst && beforeLast) || (page.page === 1 && !afterFirst) || (page.count < size && !beforeLast);
}

/** The contact's place is between a full page and the next one (empty when the listing ends there). */
function straddles(before: PageEvidence, after: PageEvidence, id: string, size: number): boolean {
  if (before.count !== size || !before.ordered || !after.ordered) return false;
  return compareIds(before.last!, id) < 0 && (after.count === 0 || compareIds(id, after.first!) < 0);
}

function sameAnswer(a: PageEvidence, b: PageEvidence): boolean {
  return a.count === b.count && a.total === b.total && a.fingerprint === b.fingerprint;
}

/**
 * The pages that show a place in the listing: `place` contacts come before it, so it lies between
 * items `place - 1` and `place`; on a page boundary, both pages.
 */
function pagesAround(place: number, size: number): number[] {
  if (place > 0 && place % size === 0) return [place / size, place / size + 1];
  return [Math.floor(place / size) + 1];
}

/** Where the answers of a round place the contact, to look there in the next round; null when they say nothing. */
function placeIn(current: ReadonlyMap<number, PageEvidence>, id: string, size: number): number | null {
  const pages = [...current.values()].sort((a, b) => a.page - b.page);
  const shown = pages.filter((page) => page.count > 0 && page.ordered);
  const above = shown.find((page) => compareIds(id, page.first!) < 0);
  if (above) return (above.page - 1) * size;
  const below = shown.at(-1);
  if (below) return below.page * size;
  // Only empty pages: the listing ends before the first of them.
  return pages.length ? Math.max(0, (pages[0]!.page - 1) * size) : null;
}

/** FNV-1a over the ids, with a separator no id holds. */
function fingerprint(ids: string[]): string {
  let hash = 0x811c9dc5;
  const text = ids.join('\u0000');
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `${ids.length}:${hash.toString(16)}`;
}
