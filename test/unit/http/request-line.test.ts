import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import Koa from 'koa';
import { requestLogging } from '../../../src/interfaces/http/middleware/request-logging.js';
import { deferred } from '../../support/settle.js';
import { recordingLogger } from '../../support/recording-logger.js';
import { waitFor } from '../../support/wait-for.js';

describe('The request line, written once the response is out', () => {
  it('when a body cannot be sent, then the line has the 500 Koa sent, not the status the handler chose', async () => {
    const logger = recordingLogger();
    const app = new Koa();
    app.silent = true;
    app.use(requestLogging(logger));
    app.use((ctx) => {
      ctx.status = 200;
      ctx.body = { count: 1n };
    });
    const server = http.createServer(app.callback()).listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/things`);
      await response.text();

      expect(response.status).to.equal(500);
      await waitFor(async () => logger.lines.length > 0, 'the request line');
      expect(logger.lines.map((line) => [line.level, line.message, line.fields.res])).to.deep.equal([['error', 'request errored', { statusCode: 500 }]]);
    } finally {
      server.close();
    }
  });

  it('when the client leaves before its answer, then one warn line says the request was aborted', async () => {
    const logger = recordingLogger();
    const app = new Koa();
    const answer = deferred();
    const arrived = deferred();
    app.use(requestLogging(logger));
    app.use(async (ctx) => {
      arrived.resolve();
      await answer.promise;
      ctx.body = { late: true };
    });
    const server = http.createServer(app.callback()).listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const leaving = new AbortController();
      const request = fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/slow`, { signal: leaving.signal }).catch(() => 'aborted');
      await arrived.promise;
      leaving.abort();
      expect(await request).to.equal('aborted');
      await waitFor(async () => logger.lines.length > 0, 'the request line');
      answer.resolve();

      expect(logger.lines.map((line) => [line.level, line.message, line.fields.req])).to.deep.equal([['warn', 'request aborted', { method: 'GET', url: '/slow', remoteAddress: '127.0.0.1' }]]);
    } finally {
      answer.resolve();
      server.close();
    }
  });
});
