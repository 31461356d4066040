import type { Clock } from '../../src/domain/ports/clock.port.js';

/** A clock that stands still until the test moves it. */
export class FakeClock implements Clock {
  constructor(private current: Date = new Date(Date.UTC(2026, 10, 1))) {}

  now(): Date {
    return new Date(this.current);
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
