import { expect } from 'chai';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { decideAfterAttempt, RETRY_WINDOW_MS, type AttemptResult } from '../../../src/domain/webhooks/retry-schedule.js';
import type { WebhookDelivery } from '../../../src/domain/webhooks/webhook-delivery.js';
import { HttpWebhookSender } from '../../../src/infrastructure/webhooks/http-webhook-sender.js';
import { FakeClock } from '../../fakes/fake-clock.js';
import { testWebhookConfig } from '../../support/test-container.js';
import { WEBHOOK_SECRET } from '../../support/webhook-receiver.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** A real HTTP server on loopback whose answer each test writes by hand (headers, redirects, endless bodies). */
class HandWrittenReceiver {
  readonly paths: string[] = [];
  private handler: Handler = (_req, res) => res.writeHead(204).end();
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      this.paths.push(req.url ?? '/');
      this.handler(req, res, Buffer.concat(chunks).toString('utf8'));
    });
  });

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  answer(handler: Handler): void {
    this.handler = handler;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const NOW = new Date();

function delivery(): WebhookDelivery {
  return {
    id: '5b0d0000-0000-4000-8000-000000000001',
    webhookId: 'msg_0123456789abcdef0123456789abcdef',
    eventType: 'run.finished',
    runId: '8c0e0000-0000-4000-8000-000000000001',
    clientSlug: null,
    targetUrl: null,
    payload: JSON.stringify({ type: 'run.finished', timestamp: NOW.toISOString(), data: { id: '8c0e0000-0000-4000-8000-000000000001' } }),
    status: 'pending',
    attempts: 1,
    lastStatus: null,
    lastError: null,
    nextAttemptAt: NOW,
    giveUpAt: new Date(NOW.getTime() + RETRY_WINDOW_MS),
    createdAt: NOW,
    deliveredAt: null,
  };
}

describe('HttpWebhookSender against a real HTTP receiver', () => {
  let receiver: HandWrittenReceiver;
  let clock: FakeClock;
  const sender = (timeoutMs = 5_000) => new HttpWebhookSender(testWebhookConfig({ secret: WEBHOOK_SECRET, timeoutMs }), clock);
  const send = (path: string, timeoutMs?: number): Promise<AttemptResult> => sender(timeoutMs).send(delivery(), `${receiver.url}${path}`);

  beforeEach(async () => {
    clock = new FakeClock(NOW);
    receiver = new HandWrittenReceiver();
    await receiver.start();
  });
  afterEach(() => receiver.close());

  it('when the receiver answers 204, then the POST carried the body and the Standard Webhooks headers, signed at the clock’s time exactly as standardwebhooks signs', async () => {
    let seen: { headers: IncomingMessage['headers']; body: string } | undefined;
    receiver.answer((req, res, body) => {
      seen = { headers: req.headers, body };
      res.writeHead(204).end();
    });

    const result = await send('/hooks');

    expect(result).to.deep.equal({ kind: 'answered', status: 204, retryAfterMs: null });
    expect(seen!.body).to.equal(delivery().payload);
    expect(seen!.headers).to.include({ 'content-type': 'application/json', 'webhook-id': delivery().webhookId, 'webhook-timestamp': String(Math.floor(NOW.getTime() / 1000)) });
    // Compared with the library's own signature for that instant: verify() would also judge the injected time against the wall clock.
    expect(seen!.headers['webhook-signature']).to.equal(new Webhook(WEBHOOK_SECRET).sign(delivery().webhookId, NOW, delivery().payload));
  });

  it('when a 429 says Retry-After in seconds, then the wait is that long and the attempt is retried', async () => {
    receiver.answer((_req, res) => res.writeHead(429, { 'retry-after': '120' }).end('slow down'));

    const result = await send('/hooks');

    expect(result).to.deep.equal({ kind: 'answered', status: 429, retryAfterMs: 120_000, detail: 'slow down' });
    expect(decideAfterAttempt(result, 1, NOW, delivery().giveUpAt, () => 0)).to.deep.include({ outcome: 'retry', at: new Date(NOW.getTime() + 120_000) });
  });

  it('when a 503 says Retry-After as an HTTP date, then the wait runs from the injected clock to that date', async () => {
    const at = new Date(Math.ceil(NOW.getTime() / 1000) * 1000 + 90_000);
    receiver.answer((_req, res) => res.writeHead(503, { 'retry-after': at.toUTCString() }).end());

    const result = await send('/hooks');

    expect(result).to.deep.include({ kind: 'answered', status: 503, retryAfterMs: at.getTime() - NOW.getTime() });
  });

  it('when the receiver answers 500 or 408, then the answer’s start is the detail and the attempt is retried; a 410 is final', async () => {
    const decisions: Record<number, string> = {};
    for (const status of [500, 408, 410]) {
      receiver.answer((_req, res) => res.writeHead(status).end(`receiver says ${status}`));
      const result = await send('/hooks');
      expect(result, String(status)).to.deep.equal({ kind: 'answered', status, retryAfterMs: null, detail: `receiver says ${status}` });
      decisions[status] = decideAfterAttempt(result, 1, NOW, delivery().giveUpAt).outcome;
    }

    expect(decisions).to.deep.equal({ 500: 'retry', 408: 'retry', 410: 'failed' });
  });

  it('when the receiver never answers, then the attempt ends as a timeout', async () => {
    receiver.answer(() => {});

    const result = await send('/hooks', 300);

    expect(result).to.deep.equal({ kind: 'timeout', detail: 'no complete answer within 300 ms' });
  });

  it('when the receiver redirects, then the redirect is not followed: the 3xx is the answer', async () => {
    receiver.answer((req, res) => (req.url === '/moved' ? res.writeHead(302, { location: '/elsewhere' }).end() : res.writeHead(200).end()));

    const result = await send('/moved');

    expect(result).to.deep.include({ kind: 'answered', status: 302 });
    expect(receiver.paths).to.deep.equal(['/moved']);
  });

  it('when a failing receiver streams an endless body, then only its first 300 bytes are read and the rest is cancelled: the attempt is answered, not timed out', async () => {
    receiver.answer((_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      const chunk = 'x'.repeat(16 * 1024);
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      res.on('close', () => res.removeAllListeners('drain'));
      pump();
    });

    const result = await send('/endless', 10_000);

    expect(result).to.deep.include({ kind: 'answered', status: 500 });
    expect((result as { detail: string }).detail).to.equal('x'.repeat(300));
  });

  it('when nothing listens at the receiver’s port, then the attempt is a network error', async () => {
    const closed = receiver.url;
    await receiver.close();

    const result = await sender().send(delivery(), `${closed}/hooks`);
    receiver = new HandWrittenReceiver();
    await receiver.start();

    expect(result).to.deep.equal({ kind: 'network_error', detail: 'network error ECONNREFUSED' });
  });
});
