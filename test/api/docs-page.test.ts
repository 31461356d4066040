import { request as httpRequest } from 'node:http';
import { expect } from 'chai';
import { ADMIN_TOKEN, useRunningApp, type RunningApp } from '../support/running-app.js';

const CONTENT_TYPE_BY_EXTENSION: Record<string, string> = {
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
};

/** The URLs a page's tags load (src and href), in order. */
function referencedUrls(html: string): string[] {
  return [...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((match) => match[1]!);
}

/** A Content-Security-Policy as directive → sources. */
function parsePolicy(header: string | null): Map<string, string[]> {
  const directives = (header ?? '').split(';').map((directive) => directive.trim().split(/\s+/));
  return new Map(directives.filter(([name]) => name).map(([name, ...sources]) => [name!.toLowerCase(), sources]));
}

/** The sources a fetch of this kind is checked against: its own directive, else default-src. */
function sourcesFor(policy: Map<string, string[]>, directive: string): string[] {
  return policy.get(directive) ?? policy.get('default-src') ?? [];
}

/** A request exactly as written: fetch would resolve the dot segments before sending. */
function rawGet(url: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { method: 'GET', headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('Docs page (GET /api/docs: Swagger UI, offline)', () => {
  const running = useRunningApp();
  let app: RunningApp;
  beforeEach(() => (app = running()));

  const getPage = () => app.request('GET', '/api/docs', { token: null });

  it('when the page is asked for without a token, then it answers an HTML page', async () => {
    const response = await getPage();

    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.equal('text/html; charset=utf-8');
    expect(await response.text()).to.include('<div id="swagger-ui"></div>');
  });

  it('when the page is read, then everything it loads is a same-origin path that answers 200 with its content type and a cache header', async () => {
    const html = await (await getPage()).text();
    const urls = referencedUrls(html).filter((url) => !url.startsWith('data:'));

    expect(urls).to.have.members(['/api/docs/swagger-ui.css', '/api/docs/swagger-ui-bundle.js', '/api/docs/init.js']);
    expect(html).to.not.match(/https?:\/\//);
    for (const url of urls) {
      expect(url, url).to.match(/^\/(?!\/)/);
      const response = await app.request('GET', url, { token: null });
      expect(response.status, url).to.equal(200);
      expect(response.headers.get('content-type'), url).to.equal(CONTENT_TYPE_BY_EXTENSION[url.split('.').pop()!]);
      expect(response.headers.get('cache-control'), url).to.equal('public, max-age=3600');
      expect((await response.text()).length, url).to.be.greaterThan(0);
    }
  });

  it('when the stylesheet is read, then the images it uses are inline data, nothing from another host', async () => {
    const css = await (await app.request('GET', '/api/docs/swagger-ui.css', { token: null })).text();

    const urls = [...css.matchAll(/url\(\s*["']?([^"')]*)/g)].map((match) => match[1]!);

    expect(urls).to.not.be.empty;
    expect(urls.filter((url) => !url.startsWith('data:'))).to.deep.equal([]);
    expect(css).to.not.include('@import');
  });

  it('when the init script is read, then it starts Swagger UI on /api/openapi.json, which answers without a token, and calls no validator', async () => {
    const script = await (await app.request('GET', '/api/docs/init.js', { token: null })).text();
    const document = await app.request('GET', '/api/openapi.json', { token: null });

    expect(script).to.include("url: '/api/openapi.json'");
    expect(script).to.include('validatorUrl: null');
    expect(script).to.not.match(/https?:\/\//);
    expect(document.status).to.equal(200);
    expect((await document.json()).openapi).to.equal('3.1.0');
  });

  it('when the page is served, then its Content-Security-Policy runs its own scripts and styles, and the page holds no inline code', async () => {
    const response = await getPage();
    const html = await response.text();
    const policy = parsePolicy(response.headers.get('content-security-policy'));

    const scriptSources = sourcesFor(policy, 'script-src');
    expect(scriptSources).to.include("'self'");
    expect(scriptSources.filter((source) => /^'(unsafe-|nonce-|sha)/.test(source))).to.deep.equal([]);
    expect(policy.get('script-src-attr')).to.deep.equal(["'none'"]);
    expect(sourcesFor(policy, 'style-src')).to.include("'self'");
    // Swagger UI fetches the document, and "Try it out" sends its requests, to the same origin.
    expect(sourcesFor(policy, 'connect-src')).to.include("'self'");
    // The stylesheet's icons are data: URLs.
    expect(sourcesFor(policy, 'img-src')).to.include('data:');
    for (const [, attributes, content] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
      expect(attributes).to.match(/\ssrc="\/api\/docs\/[\w.-]+"/);
      expect(content!.trim(), 'an inline script').to.equal('');
    }
    expect(html, 'an inline event handler').to.not.match(/\son[a-z]+\s*=/i);
    expect(html).to.not.include('javascript:');
  });

  it('when the page’s policy is compared with the rest of the API’s, then it lacks only upgrade-insecure-requests, and the docs files keep the full one', async () => {
    const apiPolicy = parsePolicy((await app.request('GET', '/api/health', { token: null })).headers.get('content-security-policy'));
    const pagePolicy = parsePolicy((await getPage()).headers.get('content-security-policy'));
    const assetPolicy = parsePolicy((await app.request('GET', '/api/docs/init.js', { token: null })).headers.get('content-security-policy'));

    expect(apiPolicy.has('upgrade-insecure-requests')).to.equal(true);
    expect(pagePolicy).to.deep.equal(new Map([...apiPolicy].filter(([name]) => name !== 'upgrade-insecure-requests')));
    expect(assetPolicy).to.deep.equal(apiPolicy);
  });

  it('when a path under /api/docs climbs out or names a file off the list, then it answers 404 without a token and serves nothing', async () => {
    for (const name of ['..%2F..%2Fpackage.json', '%2e%2e%2f%2e%2e%2fpackage.json', '..%5C..%5Cpackage.json', '%2Fetc%2Fpasswd', 'package.json', 'index.html', 'swagger-ui-bundle.js.map', 'swagger-ui.css%00', '__proto__', 'constructor']) {
      const response = await app.request('GET', `/api/docs/${name}`, { token: null });

      expect(response.status, name).to.equal(404);
      expect(await response.json(), name).to.deep.equal({ error: 'not_found', message: 'the docs have no such file' });
    }
  });

  it('when the climb is sent as raw dot segments, then no file is served: 401 without the token (routes stay hidden), 404 with it', async () => {
    const withoutToken = await rawGet(app.url, '/api/docs/../../package.json');
    const withToken = await rawGet(app.url, '/api/docs/../../package.json', { 'x-admin-token': ADMIN_TOKEN });

    expect(withoutToken.status).to.equal(401);
    expect(withToken.status).to.equal(404);
    for (const { body } of [withoutToken, withToken]) expect(body).to.not.include('helpdesk-importer');
  });
});
