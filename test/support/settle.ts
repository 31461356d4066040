/**
 * Lets every promise chain already under way run to its end: the in-memory fakes answer on
 * microtasks only, so one turn of the event loop settles whatever does not wait on the test.
 */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Whether `promise` has settled once the work under way has run (`settle`): it waits on nothing the test still holds. */
export async function settledNow(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await settle();
  return settled;
}

export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
