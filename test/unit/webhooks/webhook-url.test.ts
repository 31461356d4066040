import { expect } from 'chai';
import { webhookSecretProblem, webhookUrlProblem } from '../../../src/domain/webhooks/webhook-url.js';

describe('webhook receiver URLs and secrets', () => {
  it('when a URL is http or https without credentials, then it is accepted', () => {
    for (const url of ['https://hooks.example.com/helpdesk', 'http://127.0.0.1:8080/in?source=importer']) expect(webhookUrlProblem(url), url).to.equal(null);
  });

  it('when a URL is not absolute, has another scheme or carries credentials, then the problem is named', () => {
    expect(webhookUrlProblem('hooks.example.com')).to.include('absolute');
    expect(webhookUrlProblem('ftp://hooks.example.com')).to.include('http(s)');
    expect(webhookUrlProblem('https://user:pass@hooks.example.com')).to.include('credentials');
    expect(webhookUrlProblem('https://user@hooks.example.com')).to.include('credentials');
  });

  it('when a secret is whsec_ and the base64 of 24 to 64 bytes, then it is accepted; otherwise the format is explained', () => {
    expect(webhookSecretProblem(`whsec_${Buffer.alloc(32, 7).toString('base64')}`)).to.equal(null);
    expect(webhookSecretProblem(`whsec_${Buffer.alloc(24, 7).toString('base64')}`)).to.equal(null);
    for (const bad of [Buffer.alloc(32, 7).toString('base64'), `whsec_${Buffer.alloc(8, 7).toString('base64')}`, 'whsec_not base64!', `whsec_${Buffer.alloc(65, 7).toString('base64')}`, 'whsec_']) {
      expect(webhookSecretProblem(bad), bad).to.include('whsec_');
    }
  });
});
