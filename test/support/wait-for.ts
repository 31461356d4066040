/** The statuses a job run ends in. */
export const FINISHED = ['succeeded', 'failed', 'cancelled'];

/** Polls `probe` until it returns something truthy, and returns that; throws after `timeoutMs`. */
export async function waitFor<T>(probe: () => Promise<T | undefined | null | false>, what: string, { timeoutMs = 40_000, intervalMs = 100 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
