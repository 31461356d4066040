/** What one answer of the contacts listing showed: a page, in listing order, with the upstream's count. */
export interface ListedContactsPage {
  page: number;
  ids: readonly string[];
  /** `meta.total`; null when the upstream gave none or something that is not a count. */
  total: number | null;
}

/** What is kept of an answer of the pass's own walk: enough to weigh it as evidence, without its ids. */
export interface PageBounds {
  page: number;
  count: number;
  first: string | undefined;
  last: string | undefined;
  total: number | null;
  /** Non-empty, in id order, and consistent with its own `meta.total`: only such an answer is evidence. */
  trustworthy: boolean;
}

/** String order, as the upstream sorts ids. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function boundsOf(answer: ListedContactsPage, pageSize: number): PageBounds {
  const { ids } = answer;
  return { page: answer.page, count: ids.length, first: ids[0], last: ids.at(-1), total: answer.total, trustworthy: isTrustworthy(answer, pageSize) };
}

/**
 * A page shorter than a full one whose own `meta.total` says more contacts follow it: the listing
 * did not end there, the upstream cut the answer short (a glitch answers `data: []`).
 */
export function isCutShort(answer: ListedContactsPage, pageSize: number): boolean {
  return answer.ids.length < pageSize && answer.total !== null && answer.total > (answer.page - 1) * pageSize + answer.ids.length;
}

/**
 * The rules that are sound on one answer, assuming an answer is a contiguous slice of the ordered
 * listing at the instant it is answered, with that instant's `meta.total`: the contact (known not
 * to be on the page) is not in the listing at that instant if the page starts below it and ends
 * above it, or is page 1 and starts above it, or is the listing's last page by its own count and
 * ends below it. An empty page proves nothing: an upstream glitch answers those.
 */
export function showsMissing(page: PageBounds, id: string, pageSize: number): boolean {
  if (!page.trustworthy) return false;
  const afterFirst = compareIds(page.first!, id) < 0;
  const beforeLast = compareIds(id, page.last!) < 0;
  const lastPageByItsCount = page.total !== null && page.total === (page.page - 1) * pageSize + page.count;
  return (afterFirst && beforeLast) || (page.page === 1 && !afterFirst) || (lastPageByItsCount && !beforeLast);
}

/**
 * A short page that ends below the contact, from an upstream that gives no `meta.total`: it is the
 * last page only by its length, which a glitch can cut. Not sound on its own: a suspicion.
 */
export function suggestsMissingAtTheEnd(page: PageBounds, id: string, pageSize: number): boolean {
  return page.trustworthy && page.total === null && page.count < pageSize && compareIds(page.last!, id) < 0;
}

/**
 * Four answers read back to back — page p, p + 1, p, p + 1 — that show the contact's place exactly
 * between the two pages, empty: the same ids twice on each page, the same `meta.total` (a count,
 * never a missing one) all four times, page p full and page p + 1 not empty. No single answer can
 * show such a place, and a contact that exists could still slip through if the listing shifted
 * back and forth in step with the requests: not sound on its own, a suspicion.
 */
export function burstSuggestsMissing(burst: readonly ListedContactsPage[], id: string, pageSize: number): boolean {
  const [before, after, beforeAgain, afterAgain] = burst;
  if (!before || !after || !beforeAgain || !afterAgain || after.page !== before.page + 1) return false;
  if (![before, after, beforeAgain, afterAgain].every((answer) => isTrustworthy(answer, pageSize) && answer.total !== null && answer.total === before.total)) return false;
  if (!sameIds(before, beforeAgain) || !sameIds(after, afterAgain) || before.ids.length !== pageSize) return false;
  return compareIds(before.ids.at(-1)!, id) < 0 && compareIds(id, after.ids[0]!) < 0;
}

function isTrustworthy(answer: ListedContactsPage, pageSize: number): boolean {
  const { ids, total, page } = answer;
  if (ids.length === 0 || !ids.every((id, i) => i === 0 || compareIds(ids[i - 1]!, id) < 0)) return false;
  if (total === null) return true;
  return ids.length < pageSize ? total === (page - 1) * pageSize + ids.length : total >= page * pageSize;
}

function sameIds(a: ListedContactsPage, b: ListedContactsPage): boolean {
  return a.ids.length === b.ids.length && a.ids.every((id, i) => id === b.ids[i]);
}
