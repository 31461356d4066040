import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { BUILT_CONSOLE_DIR, CONSOLE_CONTENT_SECURITY_POLICY } from '../../src/interfaces/http/console/console-files.js';
import { ensureConsoleBuilt } from '../support/console-build.js';
import { useRunningApp, type RunningApp } from '../support/running-app.js';

/** XML namespaces the framework names (never fetched), and the form's example text: the only URLs the bundle may hold. */
const URLS_NOT_FETCHED = ['http://www.w3.org/1998/Math/MathML', 'http://www.w3.org/1999/xhtml', 'http://www.w3.org/2000/svg', 'https://acme.helpdesk.example/api/v1'];

function parsePolicy(header: string | null): Map<string, string[]> {
  const directives = (header ?? '').split(';').map((directive) => directive.trim().split(/\s+/));
  return new Map(directives.filter(([name]) => name).map(([name, ...sources]) => [name!.toLowerCase(), sources]));
}

describe('Console files (GET /console, /console/assets/*: offline, strict CSP, cache headers)', function () {
  this.timeout(120_000);
  const running = useRunningApp();
  let app: RunningApp;
  before(() => ensureConsoleBuilt());
  beforeEach(() => (app = running()));

  it('when the page is asked for without a token, then it is the built HTML, fetched anew each visit, under a policy with no inline code and nothing from elsewhere', async () => {
    const response = await app.request('GET', '/console', { token: null });
    const html = await response.text();
    const policy = parsePolicy(response.headers.get('content-security-policy'));

    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.equal('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).to.equal('no-cache');
    expect(html).to.equal(await readFile(join(BUILT_CONSOLE_DIR, 'index.html'), 'utf8'));
    expect(response.headers.get('content-security-policy')).to.equal(CONSOLE_CONTENT_SECURITY_POLICY);
    expect(policy.get('default-src')).to.deep.equal(["'none'"]);
    for (const directive of ['script-src', 'style-src', 'connect-src']) expect(policy.get(directive), directive).to.deep.equal(["'self'"]);
    expect(policy.get('require-trusted-types-for')).to.deep.equal(["'script'"]);
    expect(policy.has('upgrade-insecure-requests')).to.equal(false);
    expect(html).to.not.match(/<script(?![^>]*\ssrc=)[^>]*>/i, 'an inline script');
    expect(html).to.not.match(/<style|\sstyle=|\son\w+=/i, 'inline style or handler');
  });

  it('when the page is read, then each file it loads is a same-origin asset, served without a token, immutable, with its type, and none of them names another host', async () => {
    const html = await (await app.request('GET', '/console', { token: null })).text();
    const urls = [...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((match) => match[1]!).filter((url) => !url.startsWith('data:'));

    expect(urls).to.have.length(2);
    for (const url of urls) {
      expect(url, url).to.match(/^\/console\/assets\/[\w-]+\.(js|css)$/);
      const response = await app.request('GET', url, { token: null });
      const body = await response.text();
      expect(response.status, url).to.equal(200);
      expect(response.headers.get('cache-control'), url).to.equal('public, max-age=31536000, immutable');
      expect(response.headers.get('content-type'), url).to.equal(url.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8');
      const named = [...body.matchAll(/https?:\/\/[\w./-]+/g)].map((match) => match[0]);
      expect(named.filter((found) => !URLS_NOT_FETCHED.includes(found)), `${url} names another host`).to.deep.equal([]);
      if (url.endsWith('.css')) expect(body).to.not.match(/@import|@font-face|url\((?!\s*["']?data:)/, 'a stylesheet that loads more');
    }
  });

  it('when an asset name is not one the build wrote, or climbs out, then 404 and nothing is served', async () => {
    for (const path of ['/console/assets/index-00000000.js', '/console/assets/..%2F..%2Fpackage.json', '/console/assets/.sources-fingerprint', '/console/assets/index.html']) {
      const response = await app.request('GET', path, { token: null });
      expect(response.status, path).to.equal(404);
      expect(await response.json(), path).to.include({ error: 'not_found' });
    }
  });

  it('when the API docs are read, then they link to the console', async () => {
    const document = await (await app.request('GET', '/api/openapi.json', { token: null })).json();

    expect(document.info.description).to.include('[Open the admin console](/console)');
  });
});
