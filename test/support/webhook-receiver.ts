import { createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** A secret in the Standard Webhooks format, as an operator would generate it. */
export const WEBHOOK_SECRET = `whsec_${Buffer.from('helpdesk-importer-test-secret-32b').toString('base64')}`;

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body as `Webhook.verify` returned it: null when the signature did not verify. */
  verified: { type: string; timestamp: string; data: Record<string, unknown> } | null;
  /** The status this receiver answered, once it did. */
  answered?: number;
}

/** What the receiver answers a request (the status), or a promise of it for one it holds. */
export type ReceiverBehaviour = (request: ReceivedWebhook, index: number) => number | Promise<number>;

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Requests of one event type, in arrival order. */
  of(type: string): ReceivedWebhook[];
  behave(behaviour: ReceiverBehaviour): void;
  close(): Promise<void>;
}

/** A real HTTP receiver on loopback that checks every request's signature with the `standardwebhooks` package, as a downstream system would. */
export async function startWebhookReceiver(secret = WEBHOOK_SECRET, tls?: { key: string; cert: string }): Promise<WebhookReceiver> {
  const verifier = new Webhook(secret);
  const received: ReceivedWebhook[] = [];
  let behaviour: ReceiverBehaviour = () => 200;
  const open = new Set<ServerResponse>();
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let verified: ReceivedWebhook['verified'] = null;
      try {
        verified = verifier.verify(body, req.headers as Record<string, string>) as ReceivedWebhook['verified'];
      } catch {
        verified = null;
      }
      const request: ReceivedWebhook = { path: req.url ?? '/', headers: req.headers, body, verified };
      received.push(request);
      open.add(res);
      void Promise.resolve(behaviour(request, received.length - 1)).then((status) => {
        open.delete(res);
        if (res.destroyed) return;
        request.answered = status;
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : `receiver answered ${status}`);
      });
    });
  };
  const server = tls ? createHttpsServer(tls, handle) : createHttpServer(handle);
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    of: (type) => received.filter((r) => r.verified?.type === type || JSON.parse(r.body).type === type),
    behave: (next) => (behaviour = next),
    close: async () => {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
