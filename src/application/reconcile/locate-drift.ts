/** Probes one location may spend: the survey's, then enough to pin a dozen separate drifts among a million tickets to a page each. */
export const MAX_PROBES = 64;

/**
 * Stretches are split down to this depth (2^depth stretches) even when the counts at their ends
 * agree: a ticket lost from the database and one deleted upstream in different stretches then
 * show, even when they cancel out over the whole window.
 */
export const SURVEY_DEPTH = 4;

/** How a bisection asks about the window. */
export interface DriftProbe {
  /** The window counted: `stored` tickets in the database, `net` = the upstream's count less that. */
  window: { from: Date; to: Date };
  net: number;
  stored: number;
  /** The upstream's tickets from `at` to the window's end less the stored ones: one upstream request. */
  netFrom(at: Date): Promise<number>;
  /** The `updatedAt` of the stored ticket at this rank of the window (0-based). */
  storedAt(rank: number): Promise<Date | null>;
  /** A stretch is small enough once it holds about this many tickets (a page). */
  pageSize: number;
  /** Told after each probe how many were made (of MAX_PROBES at most): the check's progress. */
  onProbe?(probes: number): Promise<void>;
}

/** A stretch of the window found to drift: [from, before) (`before` null: to the window's end), and by how much the counts differ there. */
export interface DriftStretch {
  from: Date;
  before: Date | null;
  /** The upstream's tickets in the stretch less the stored ones. */
  net: number;
  /** Whether it was narrowed to about a page (false: the probes ran out first). */
  narrow: boolean;
}

/** A stretch between two stored ranks (`-1`: the window's start; `stored`: past its end), and the net from each end on. */
interface Stretch {
  low: number;
  high: number;
  netFromLow: number;
  netFromHigh: number;
  depth: number;
}

/**
 * Bisects on `updatedAtFrom` to the stretches whose counts differ, split at the stored tickets'
 * own timestamps (each probe halves the stored tickets of a stretch). A difference either way
 * counts: more upstream means tickets missing from the database, more stored means tickets
 * deleted upstream and not flagged yet; both may hide in one stretch, so the first
 * SURVEY_DEPTH levels split every stretch. Below that, a stretch whose counts agree is
 * dropped; one that differs is halved again until it holds about a page (or no stored ticket
 * is left to split it at): what the caller lists in full to tell which tickets differ. When the
 * probes run out, the stretches left stay wider (`narrow: false`). Stretches are never merged:
 * each stays small enough to list.
 */
export async function locateDrift(probe: DriftProbe): Promise<DriftStretch[]> {
  const at = async (rank: number) => (rank < 0 ? probe.window.from : rank >= probe.stored ? null : await probe.storedAt(rank));
  let probes = 0;
  const found: (Stretch & { narrow: boolean })[] = [];
  // Breadth first: when the probes run out, every drift has been narrowed about as much.
  let level: Stretch[] = [{ low: -1, high: probe.stored, netFromLow: probe.net, netFromHigh: 0, depth: 0 }];
  while (level.length) {
    const next: Stretch[] = [];
    for (const stretch of level) {
      const net = stretch.netFromLow - stretch.netFromHigh;
      const surveyed = stretch.depth >= SURVEY_DEPTH;
      if (net === 0 && surveyed) continue;
      const small = stretch.high - stretch.low <= 1 || stretch.high - stretch.low + Math.abs(net) <= probe.pageSize;
      if (small || probes >= MAX_PROBES) {
        // A small stretch of the survey whose counts agree is listed too: cheap, and the only way to see drifts cancelling out in it.
        found.push({ ...stretch, narrow: small });
        continue;
      }
      const middle = Math.floor((stretch.low + stretch.high) / 2);
      const instant = await at(middle);
      probes += 1;
      const netFromMiddle = instant ? await probe.netFrom(instant) : 0;
      await probe.onProbe?.(probes);
      const depth = stretch.depth + 1;
      next.push({ ...stretch, high: middle, netFromHigh: netFromMiddle, depth }, { ...stretch, low: middle, netFromLow: netFromMiddle, depth });
    }
    level = next;
  }
  found.sort((a, b) => a.low - b.low);
  return Promise.all(
    found.map(async (s) => ({
      from: (await at(s.low))!,
      before: await at(s.high),
      net: s.netFromLow - s.netFromHigh,
      narrow: s.narrow,
    })),
  );
}
