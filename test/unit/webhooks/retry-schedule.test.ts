import { expect } from 'chai';
import { backoffMs, decideAfterAttempt, FIRST_RETRY_MS, MAX_BACKOFF_MS, RETRY_WINDOW_MS, type AttemptResult } from '../../../src/domain/webhooks/retry-schedule.js';

const T0 = new Date('2026-12-01T10:00:00.000Z');
const giveUpAt = new Date(T0.getTime() + RETRY_WINDOW_MS);
const answered = (status: number, retryAfterMs: number | null = null): AttemptResult => ({ kind: 'answered', status, retryAfterMs });
const lowest = () => 0;
// Math.random() stays below 1; 1 stands for its upper bound.
const highest = () => 1;

describe('webhook retry schedule', () => {
  it('when the first attempt fails, then the retry comes within 2.5 to 5 seconds', () => {
    expect(backoffMs(1, lowest)).to.equal(FIRST_RETRY_MS / 2);
    expect(backoffMs(1, highest)).to.equal(FIRST_RETRY_MS);
  });

  it('when attempts keep failing, then the ceiling doubles each time and stops at one hour', () => {
    const ceilings = [1, 2, 3, 4, 5, 10, 11, 12, 30].map((attempt) => backoffMs(attempt, highest));

    expect(ceilings).to.deep.equal([5_000, 10_000, 20_000, 40_000, 80_000, 2_560_000, MAX_BACKOFF_MS, MAX_BACKOFF_MS, MAX_BACKOFF_MS]);
  });

  it('when an attempt is answered 2xx, then it is delivered', () => {
    for (const status of [200, 201, 204, 299]) expect(decideAfterAttempt(answered(status), 1, T0, giveUpAt).outcome, String(status)).to.equal('delivered');
  });

  it('when an attempt is answered 5xx, 408 or 429, times out or meets a network error, then it is retried after the backoff', () => {
    const results: AttemptResult[] = [answered(500), answered(502), answered(503), answered(408), answered(429), answered(302), { kind: 'timeout', detail: 'slow' }, { kind: 'network_error', detail: 'ECONNREFUSED' }];

    for (const result of results) {
      const decision = decideAfterAttempt(result, 1, T0, giveUpAt, lowest);
      expect(decision, JSON.stringify(result)).to.deep.include({ outcome: 'retry', at: new Date(T0.getTime() + 2_500) });
    }
  });

  it('when a 4xx other than 408 and 429 answers, then the delivery fails for good, naming the status', () => {
    for (const status of [400, 401, 403, 404, 410, 422]) {
      const decision = decideAfterAttempt(answered(status), 1, T0, giveUpAt);
      expect(decision.outcome, String(status)).to.equal('failed');
      expect((decision as { problem: string }).problem).to.include(`HTTP ${status}`);
    }
  });

  it('when a 429 or a 503 says Retry-After longer than the backoff, then the retry waits that long', () => {
    expect(decideAfterAttempt(answered(429, 120_000), 1, T0, giveUpAt, highest)).to.deep.include({ at: new Date(T0.getTime() + 120_000) });
    expect(decideAfterAttempt(answered(503, 1_000), 1, T0, giveUpAt, highest)).to.deep.include({ at: new Date(T0.getTime() + 5_000) });
  });

  it('when the next retry would fall after the 24 h window, then a last try is made when the window ends', () => {
    const late = new Date(giveUpAt.getTime() - 1_000);

    expect(decideAfterAttempt(answered(500), 30, late, giveUpAt, lowest)).to.deep.include({ outcome: 'retry', at: giveUpAt });
  });

  it('when a Retry-After reaches past the 24 h window, then the last try is made when the window ends, not refused at once', () => {
    const decision = decideAfterAttempt(answered(429, 2 * RETRY_WINDOW_MS), 1, T0, giveUpAt, lowest);

    expect(decision).to.deep.include({ outcome: 'retry', at: giveUpAt });
  });

  it('when the last try, at the end of the window, fails too, then the delivery gives up saying why', () => {
    const decision = decideAfterAttempt(answered(500), 31, giveUpAt, giveUpAt, lowest);

    expect(decision.outcome).to.equal('failed');
    expect((decision as { problem: string }).problem).to.include('HTTP 500').and.include('24 h window are over');
  });

  it('when a receiver fails for a whole day, then about 30 attempts are made, none more than an hour apart', () => {
    const times: number[] = [T0.getTime()];
    let now = T0;
    for (let attempt = 1; ; attempt++) {
      const decision = decideAfterAttempt(answered(500), attempt, now, giveUpAt, highest);
      if (decision.outcome !== 'retry') break;
      times.push(decision.at.getTime());
      now = decision.at;
    }
    const gaps = times.slice(1).map((t, i) => t - times[i]!);

    expect(Math.max(...gaps)).to.equal(MAX_BACKOFF_MS);
    expect(times.length).to.be.within(28, 40);
    expect(times.at(-1)).to.equal(giveUpAt.getTime());
  });
});
