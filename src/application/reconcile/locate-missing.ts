import type { UpdatedAtWindow } from '../../domain/jobs/job-run.js';

/** Probes each of the two searches may spend: enough to reach one ticket among a million. */
export const PROBES_PER_BOUND = 20;

/** How a bisection asks about the window. */
export interface MissingProbe {
  /** Tickets updated in the window, `missing` of them absent from the database, `stored` present. */
  window: { from: Date; to: Date };
  missing: number;
  stored: number;
  /** The upstream's tickets from `at` to the window's end less the stored ones: one upstream request. */
  missingFrom(at: Date): Promise<number>;
  /** The `updatedAt` of the stored ticket at this rank of the window (0-based). */
  storedAt(rank: number): Promise<Date | null>;
  /** The window found is small enough once it holds about this many tickets (a page). */
  pageSize: number;
}

/**
 * Bisects on `updatedAtFrom` to the narrowest window that holds every missing ticket, split
 * at the stored tickets' own timestamps (each step halves the stored tickets in doubt): first
 * the latest point from which all of them are still counted missing, then the earliest from
 * which none is. Stops when the doubt left on each side would fit in a page, or the probes
 * run out — the window then is wider, and still holds them all.
 */
export async function locateMissing(probe: MissingProbe): Promise<UpdatedAtWindow & { probes: number }> {
  const slack = Math.max(1, Math.floor((probe.pageSize - probe.missing) / 2));
  const at = async (rank: number) => (rank < 0 ? probe.window.from : rank >= probe.stored ? null : await probe.storedAt(rank));
  let probes = 0;
  const bisect = async (low: number, high: number, stillLow: (missing: number) => boolean) => {
    for (let spent = 0; high - low > slack && spent < PROBES_PER_BOUND; spent += 1) {
      const middle = Math.floor((low + high) / 2);
      const instant = await at(middle);
      probes += 1;
      if (instant && stillLow(await probe.missingFrom(instant))) low = middle;
      else high = middle;
    }
    return { low, high };
  };
  // All missing tickets are at or after `first.low`'s instant; none at or after `last.high`'s.
  const first = await bisect(-1, probe.stored, (missing) => missing >= probe.missing);
  const last = await bisect(first.low, probe.stored, (missing) => missing > 0);
  const from = (await at(first.low)) ?? probe.window.from;
  const to = (await at(last.high)) ?? probe.window.to;
  return { from: from.toISOString(), to: to.toISOString(), probes };
}
