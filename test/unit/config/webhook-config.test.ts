import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../../src/infrastructure/config.js';

const SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;

function problemOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('Configuration of the webhooks', () => {
  it('when nothing is set, then no webhook is sent: no URL, no secret, and the defaults for the rest', () => {
    expect(loadConfig({}).webhooks).to.deep.equal({ url: null, secret: null, timeoutMs: 10_000, concurrency: 8, pollIntervalMs: 2_000, tlsInsecure: false });
  });

  it('when WEBHOOK_URL and WEBHOOK_SECRET are set, then they are kept, and TLS verification is turned off by WEBHOOK_TLS_INSECURE alone', () => {
    const config = loadConfig({ WEBHOOK_URL: 'https://hooks.example.com/in', WEBHOOK_SECRET: SECRET, WEBHOOK_TLS_INSECURE: 'true', WEBHOOK_TIMEOUT_MS: '3000', WEBHOOK_CONCURRENCY: '2' });

    expect(config.webhooks).to.deep.include({ url: 'https://hooks.example.com/in', secret: SECRET, tlsInsecure: true, timeoutMs: 3000, concurrency: 2 });
    expect(loadConfig({ WEBHOOK_SECRET: SECRET, EXTERNAL_API_TLS_INSECURE: 'true' }).webhooks.tlsInsecure).to.equal(false);
  });

  it('when WEBHOOK_SECRET alone is set, then only clients’ own webhookUrls receive events', () => {
    expect(loadConfig({ WEBHOOK_SECRET: SECRET }).webhooks).to.deep.include({ url: null, secret: SECRET });
  });

  it('when WEBHOOK_URL is not http(s) or carries credentials, then startup names the variable without echoing the URL', () => {
    const withCredentials = problemOf({ WEBHOOK_URL: 'https://user:hunter22@hooks.example.com/in', WEBHOOK_SECRET: SECRET });

    expect(problemOf({ WEBHOOK_URL: 'ftp://hooks.example.com', WEBHOOK_SECRET: SECRET })).to.include('WEBHOOK_URL: must be an http(s) URL');
    expect(withCredentials).to.include('WEBHOOK_URL: must not contain credentials');
    expect(withCredentials).to.not.include('hunter22');
  });

  it('when WEBHOOK_SECRET is not whsec_<base64>, then startup explains the format without echoing it', () => {
    const problem = problemOf({ WEBHOOK_SECRET: 'my-plain-secret' });

    expect(problem).to.include('WEBHOOK_SECRET: must be "whsec_" followed by the base64 of 24 to 64 random bytes');
    expect(problem).to.not.include('my-plain-secret');
  });

  it('when WEBHOOK_URL is set without WEBHOOK_SECRET, then startup refuses: webhooks are always signed', () => {
    expect(problemOf({ WEBHOOK_URL: 'https://hooks.example.com/in' })).to.include('WEBHOOK_SECRET: required with WEBHOOK_URL');
  });
});
