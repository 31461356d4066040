import { once } from 'node:events';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import helmet from 'helmet';
import Koa from 'koa';
import { securityHeaders } from '../../../src/interfaces/http/middleware/security-headers.js';

async function headersFrom(server: Server): Promise<Record<string, string>> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await response.text();
    const { date: _date, connection: _connection, 'keep-alive': _keepAlive, 'content-length': _length, 'content-type': _type, ...rest } = Object.fromEntries(response.headers);
    return rest;
  } finally {
    server.close();
  }
}

describe('Security headers, worked out once', () => {
  it('when a response goes out, then it carries exactly the headers helmet itself sets on a response', async () => {
    const app = new Koa();
    app.use(securityHeaders());
    app.use((ctx) => (ctx.body = 'ok'));
    const precomputed = await headersFrom(http.createServer(app.callback()));

    const perRequest = helmet();
    const reference = await headersFrom(http.createServer((req, res) => perRequest(req, res, () => res.end('ok'))));

    expect(Object.keys(reference)).to.include.members(['content-security-policy', 'strict-transport-security', 'x-content-type-options', 'x-frame-options']);
    expect(precomputed).to.deep.equal(reference);
  });
});
