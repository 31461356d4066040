import { expect } from 'chai';
import { DeliverWebhookUseCase } from '../../../src/application/webhooks/deliver-webhook.use-case.js';
import type { ClaimedDelivery, RecordedAttempt, WebhookDeliveryStore } from '../../../src/domain/ports/webhook-delivery-store.port.js';
import type { WebhookSender } from '../../../src/domain/ports/webhook-sender.port.js';
import type { AttemptResult } from '../../../src/domain/webhooks/retry-schedule.js';
import type { WebhookDelivery } from '../../../src/domain/webhooks/webhook-delivery.js';
import { FakeClock } from '../../fakes/fake-clock.js';

const NOW = new Date('2026-12-01T10:00:00.000Z');

/** Records what the use case writes; claiming and listing are the loop's and the API's, not exercised here. */
class RecordingDeliveryStore implements Pick<WebhookDeliveryStore, 'recordAttempt'> {
  readonly recorded: { id: string; attempt: number; outcome: RecordedAttempt }[] = [];
  async recordAttempt(claim: ClaimedDelivery, outcome: RecordedAttempt): Promise<void> {
    this.recorded.push({ id: claim.delivery.id, attempt: claim.attempt, outcome });
  }
}

class ScriptedSender implements WebhookSender {
  readonly sent: string[] = [];
  readonly targets: string[] = [];
  constructor(private readonly result: AttemptResult) {}
  async send(delivery: WebhookDelivery, targetUrl: string): Promise<AttemptResult> {
    this.sent.push(delivery.webhookId);
    this.targets.push(targetUrl);
    return this.result;
  }
}

interface ClaimShape {
  giveUpAt?: Date;
  /** Attempts since the event was queued or redelivered; default: every attempt. */
  scheduleAttempt?: number;
  targetUrl?: string | null;
}

function claimOf(attempt: number, { giveUpAt = new Date(NOW.getTime() + 86_400_000), scheduleAttempt = attempt, targetUrl = 'https://hooks.example.com/in' }: ClaimShape = {}): ClaimedDelivery {
  return {
    attempt,
    scheduleAttempt,
    delivery: {
      id: 'd-1',
      webhookId: 'msg_1',
      eventType: 'run.finished',
      runId: 'run-1',
      clientSlug: null,
      targetUrl,
      payload: '{}',
      status: 'pending',
      attempts: attempt,
      lastStatus: null,
      lastError: null,
      nextAttemptAt: NOW,
      giveUpAt,
      createdAt: NOW,
      deliveredAt: null,
    },
  };
}

function makeSut(result: AttemptResult, serviceUrl: string | null = 'https://hooks.example.com/service') {
  const store = new RecordingDeliveryStore();
  const sender = new ScriptedSender(result);
  const clock = new FakeClock(NOW);
  return { store, sender, sut: new DeliverWebhookUseCase(store as unknown as WebhookDeliveryStore, sender, clock, { signs: true, serviceUrl }) };
}

describe('DeliverWebhookUseCase', () => {
  it('when the receiver answers 204, then the attempt is recorded delivered at the clock’s time', async () => {
    const { sut, store, sender } = makeSut({ kind: 'answered', status: 204, retryAfterMs: null });

    await sut.execute(claimOf(1));

    expect(sender.sent).to.deep.equal(['msg_1']);
    expect(store.recorded).to.deep.equal([{ id: 'd-1', attempt: 1, outcome: { outcome: 'delivered', status: '204', at: NOW } }]);
  });

  it('when the receiver answers 503 with Retry-After: 60, then the next attempt is due in a minute', async () => {
    const { sut, store } = makeSut({ kind: 'answered', status: 503, retryAfterMs: 60_000 });

    await sut.execute(claimOf(2));

    expect(store.recorded[0]!.outcome).to.deep.equal({ outcome: 'retry', status: '503', problem: 'HTTP 503', nextAttemptAt: new Date(NOW.getTime() + 60_000) });
  });

  it('when the attempt times out near the end of the window, then a last try is due when the window ends', async () => {
    const { sut, store } = makeSut({ kind: 'timeout', detail: 'no complete answer within 10000 ms' });
    const giveUpAt = new Date(NOW.getTime() + 1_000);

    await sut.execute(claimOf(31, { giveUpAt }));

    expect(store.recorded[0]!.outcome).to.deep.include({ outcome: 'retry', status: 'timeout', nextAttemptAt: giveUpAt });
  });

  it('when the last try, at the end of the window, times out too, then the delivery is recorded failed', async () => {
    const { sut, store } = makeSut({ kind: 'timeout', detail: 'no complete answer within 10000 ms' });

    await sut.execute(claimOf(32, { giveUpAt: NOW }));

    expect(store.recorded[0]!.outcome).to.deep.include({ outcome: 'failed', status: 'timeout' });
  });

  it('when a delivery redelivered after 12 attempts fails again, then its retry follows the fresh schedule: within 5 s', async () => {
    const { sut, store } = makeSut({ kind: 'answered', status: 500, retryAfterMs: null });

    await sut.execute(claimOf(13, { scheduleAttempt: 1 }));

    const { nextAttemptAt } = store.recorded[0]!.outcome as { nextAttemptAt: Date };
    expect(nextAttemptAt.getTime() - NOW.getTime()).to.be.within(2_500, 5_000);
  });

  it('when a delivery was queued for the service’s receiver without its URL, then it goes to the sending process’s WEBHOOK_URL', async () => {
    const { sut, sender, store } = makeSut({ kind: 'answered', status: 200, retryAfterMs: null });

    await sut.execute(claimOf(1, { targetUrl: null }));

    expect(sender.targets).to.deep.equal(['https://hooks.example.com/service']);
    expect(store.recorded[0]!.outcome).to.deep.include({ outcome: 'delivered' });
  });

  it('when such a delivery reaches a process without WEBHOOK_URL, then nothing is sent and it fails saying what to set', async () => {
    const { sut, sender, store } = makeSut({ kind: 'answered', status: 200, retryAfterMs: null }, null);

    await sut.execute(claimOf(1, { targetUrl: null }));

    expect(sender.sent).to.deep.equal([]);
    expect(store.recorded[0]!.outcome).to.deep.include({ outcome: 'failed', status: 'no_receiver' });
    expect((store.recorded[0]!.outcome as { problem: string }).problem).to.include('WEBHOOK_URL');
  });

  it('when a shutdown aborts the attempt, then nothing is recorded: the claim runs out and the delivery is sent again', async () => {
    const { sut, store } = makeSut({ kind: 'network_error', detail: 'interrupted by a shutdown' });
    const stopping = new AbortController();
    stopping.abort();

    await sut.execute(claimOf(1), stopping.signal);

    expect(store.recorded).to.deep.equal([]);
  });
});
