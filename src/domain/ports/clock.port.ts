/** The time, injected so that tests drive it with fake timers instead of waiting on the wall clock. */
export interface Clock {
  now(): Date;
}
