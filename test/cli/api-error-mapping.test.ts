import { expect } from 'chai';
import { errorForResponse } from '../../src/interfaces/cli/admin-api-client.js';
import { EXIT_CODES } from '../../src/interfaces/cli/exit-codes.js';

describe('CLI: API error answers mapped to exit codes and messages', () => {
  const cases: [number, unknown, number][] = [
    [400, { error: 'invalid_query', message: 'limit: must be at least 1' }, EXIT_CODES.usage],
    [409, { error: 'conflict', message: 'job x has already finished (succeeded)' }, EXIT_CODES.usage],
    [413, { error: 'payload_too_large', message: 'the request body exceeds 64 KB' }, EXIT_CODES.usage],
    [415, { error: 'unsupported_media_type', message: 'send the body as application/json' }, EXIT_CODES.usage],
    [401, { error: 'unauthorized' }, EXIT_CODES.notAuthorised],
    [403, { error: 'forbidden' }, EXIT_CODES.notAuthorised],
    [429, { error: 'too_many_attempts' }, EXIT_CODES.notAuthorised],
    [404, { error: 'not_found', message: 'no job x' }, EXIT_CODES.notFound],
    [500, { error: 'internal_error' }, EXIT_CODES.serviceUnavailable],
    [502, undefined, EXIT_CODES.serviceUnavailable],
    [503, { status: 'not_ready' }, EXIT_CODES.serviceUnavailable],
  ];
  for (const [status, body, exitCode] of cases) {
    it(`when the API answers ${status}, then the CLI exits ${exitCode}`, () => {
      expect(errorForResponse(status, body).exitCode).to.equal(exitCode);
    });
  }

  it("when a 4xx carries a message, then that message is the CLI's; without one, its code is", () => {
    expect(errorForResponse(409, { error: 'conflict', message: 'a client with slug "acme" already exists' }).message).to.equal('a client with slug "acme" already exists');
    expect(errorForResponse(400, { error: 'invalid_json' }).message).to.equal('invalid_json');
    expect(errorForResponse(400, '<html>bad request</html>').message).to.equal('HTTP 400');
  });

  it('when the admin token throttle answers 429 with Retry-After, then the message says how long to wait', () => {
    expect(errorForResponse(429, { error: 'too_many_attempts' }, '42').message).to.equal('too many wrong admin tokens from this address: the service refuses it for 42 s');
  });

  it('when the service fails, then the message names the status and points at its logs', () => {
    expect(errorForResponse(500, { error: 'internal_error' }).message).to.equal('the service failed (HTTP 500 internal_error); see its logs');
  });
});
