/** A pass never holds back fewer deletions than this, whatever the share: small clients lose a few contacts at once normally. */
export const DELETE_GUARD_MIN_CONTACTS = 10;

/**
 * Whether a pass must hold its deletions: it would mark deleted more than `guard` of the client's
 * `live` contacts and more than DELETE_GUARD_MIN_CONTACTS of them (a glitch upstream looks like
 * that; a real mass deletion is applied by the next pass that finds the same contacts missing).
 * `guard` 1 never holds: a pass cannot flag more contacts than are live.
 */
export function deletionGuardHolds(deletions: number, live: number, guard: number): boolean {
  return deletions > DELETE_GUARD_MIN_CONTACTS && deletions > guard * live;
}
