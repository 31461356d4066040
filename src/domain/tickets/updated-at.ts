/** Upstream timestamps have millisecond precision: the first instant after a given one. */
export const NEXT_INSTANT_MS = 1;

const BEGINNING_OF_TIME = new Date(0);

/** Where a client's tickets are imported from (and reconciled from): IMPORT_START_AT, else the beginning. */
export function importWindowStart(importStartAt: Date | null): Date {
  return importStartAt ?? BEGINNING_OF_TIME;
}
