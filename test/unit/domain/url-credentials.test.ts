import { expect } from 'chai';
import { carriesCredentials } from '../../../src/domain/url-credentials.js';

describe('carriesCredentials (the one "no credentials in a URL" rule)', () => {
  it('when a URL has a user, a password or both, then it carries credentials', () => {
    for (const url of ['https://user@hooks.example.com/in', 'https://:secret@hooks.example.com/in', 'http://user:secret@localhost:3000']) {
      expect(carriesCredentials(url), url).to.equal(true);
    }
  });

  it('when a URL has none, or the text is no URL at all, then it carries none', () => {
    for (const url of ['https://hooks.example.com/in?token=abc', 'http://localhost:3000', 'not a url', '']) {
      expect(carriesCredentials(url), url).to.equal(false);
    }
  });
});
