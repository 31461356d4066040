import type { Clock } from '../domain/ports/clock.port.js';

/** The machine's clock (fake timers replace it in tests). */
export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }
}
