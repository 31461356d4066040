import type { UpdatedAtWindow } from '../../domain/jobs/job-run.js';

/** The window covering all of these; null for none. */
export function hullOf(windows: UpdatedAtWindow[]): UpdatedAtWindow | null {
  if (windows.length === 0) return null;
  const from = windows.map((w) => w.from).sort()[0]!;
  const to = windows.map((w) => w.to).sort().at(-1)!;
  return { from, to };
}
