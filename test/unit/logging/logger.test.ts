import { expect } from 'chai';
import { recordingLogger } from '../../support/recording-logger.js';

describe('The service logger (pino with redaction)', () => {
  it('when a line carries secret fields at the top level or nested two deep, then their values are redacted', () => {
    const logger = recordingLogger();

    logger.info(
      {
        apiToken: 'top-level-client-token',
        metricsToken: 'top-level-metrics-token',
        client: { apiToken: 'nested-client-token', slug: 'acme' },
        body: { client: { apiToken: 'deeper-client-token' } },
        req: { headers: { authorization: 'Bearer upstream-bearer-token', 'x-admin-token': 'admin-token-in-headers' } },
      },
      'something happened',
    );

    const written = JSON.stringify(logger.lines);
    for (const secret of ['top-level-client-token', 'top-level-metrics-token', 'nested-client-token', 'deeper-client-token', 'upstream-bearer-token', 'admin-token-in-headers']) {
      expect(written, secret).to.not.include(secret);
    }
    expect(logger.lines[0]!.fields).to.deep.include({ client: { apiToken: '[redacted]', slug: 'acme' } });
  });

  it('when a child logger is made, then its bindings are on every line it writes, and redaction still applies', () => {
    const logger = recordingLogger();

    logger.child({ jobId: 'run-1', client: 'acme' }).warn({ token: 'a-secret' }, 'retrying');

    expect(logger.lines).to.deep.equal([{ level: 'warn', message: 'retrying', fields: { jobId: 'run-1', client: 'acme', token: '[redacted]' } }]);
  });
});
