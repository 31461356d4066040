import type { UpdatedAtWindow } from '../../domain/jobs/job-run.js';

/** Probes one location may spend: enough to pin a dozen separate gaps among a million tickets to a page each. */
export const MAX_PROBES = 64;

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
  /** A window is small enough once it holds about this many tickets (a page). */
  pageSize: number;
}

/** A stretch of the window between two stored ranks (`-1`: the window's start; `stored`: past its end), and what is missing from each end on. */
interface Stretch {
  low: number;
  high: number;
  missingFromLow: number;
  missingFromHigh: number;
}

/**
 * Bisects on `updatedAtFrom` to the windows that hold the missing tickets, split at the stored
 * tickets' own timestamps (each probe halves the stored tickets of a stretch): a stretch with
 * nothing missing is dropped, one with missing tickets is halved again until it holds about a
 * page of tickets (or no stored ticket is left to split it at), so separate gaps end in
 * separate small windows. When the probes run out, the stretches left stay as they are: wider,
 * and still holding every missing ticket. Neighbouring windows are merged.
 */
export async function locateMissing(probe: MissingProbe): Promise<UpdatedAtWindow[]> {
  const at = async (rank: number) => (rank < 0 ? probe.window.from : rank >= probe.stored ? null : await probe.storedAt(rank));
  let probes = 0;
  const found: Stretch[] = [];
  // Breadth first: when the probes run out, every gap has been narrowed about as much.
  let level: Stretch[] = [{ low: -1, high: probe.stored, missingFromLow: probe.missing, missingFromHigh: 0 }];
  while (level.length) {
    const next: Stretch[] = [];
    for (const stretch of level) {
      const missing = stretch.missingFromLow - stretch.missingFromHigh;
      if (missing <= 0) continue;
      if (stretch.high - stretch.low <= 1 || stretch.high - stretch.low + missing <= probe.pageSize || probes >= MAX_PROBES) {
        found.push(stretch);
        continue;
      }
      const middle = Math.floor((stretch.low + stretch.high) / 2);
      const instant = await at(middle);
      probes += 1;
      const missingFromMiddle = instant ? await probe.missingFrom(instant) : 0;
      next.push({ ...stretch, high: middle, missingFromHigh: missingFromMiddle }, { ...stretch, low: middle, missingFromLow: missingFromMiddle });
    }
    level = next;
  }
  found.sort((a, b) => a.low - b.low);
  const merged: Stretch[] = [];
  for (const stretch of found) {
    const last = merged.at(-1);
    if (last && last.high >= stretch.low) last.high = Math.max(last.high, stretch.high);
    else merged.push({ ...stretch });
  }
  return Promise.all(
    merged.map(async ({ low, high }) => ({ from: ((await at(low)) ?? probe.window.from).toISOString(), to: ((await at(high)) ?? probe.window.to).toISOString() })),
  );
}
