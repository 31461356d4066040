import { setMaxListeners } from 'node:events';

/** Waiting that a signal can end at once: its timers and listeners are gone either way. */

const relays = new WeakMap<AbortSignal, AbortSignal>();

/**
 * A signal that follows `signal`, for the many waits of one caller: a client's run shares its
 * signal among all its queued requests, so they listen here, and the caller's signal gets one
 * listener (gone when it aborts, or with the signal) instead of one per waiting request.
 */
export function relayOf(signal: AbortSignal | undefined): AbortSignal | undefined {
  if (!signal || signal.aborted) return signal;
  let relay = relays.get(signal);
  if (!relay) {
    const controller = new AbortController();
    setMaxListeners(0, controller.signal);
    signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
    relay = controller.signal;
    relays.set(signal, relay);
  }
  return relay;
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** `promise`, or the signal's reason as soon as it aborts (the promise itself goes on, unobserved). */
export function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
