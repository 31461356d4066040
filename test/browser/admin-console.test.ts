import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startService, type ServiceProcess } from '../../tools/shared/service-process.js';
import { generateDataset } from '../../tools/upstream-simulator/dataset.js';
import { UpstreamSimulator } from '../../tools/upstream-simulator/simulator.js';
import { ensureConsoleBuilt } from '../support/console-build.js';
import { sql, testDatabaseUrl, truncateAll } from '../support/database.js';

/*
 * The admin console end to end: Debian's Chromium driven by playwright-core (which downloads no
 * browser) against the real service process and the upstream simulator. Screenshots of each
 * page at 1280×800 and 375 px wide go to test-output/console/ (ignored by git).
 */

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SCREENSHOTS = new URL('../../test-output/console/', import.meta.url).pathname;
const ADMIN_TOKEN = 'console-e2e-admin-token-0123456789';
const FAST_TOKEN = 'acme-upstream-token-0001';
const SLOW_TOKEN = 'slowco-upstream-token-0002';
/** Each of slowco's upstream answers waits this long, so that its import is still running when the test cancels it. */
const SLOW_ANSWER_MS = 400;
/** Every value in the page's session and local storage, and its cookies: evaluated in the page, as text (the test's own code is compiled without the DOM's types). */
const STORAGE_IN_PAGE = `(() => {
  const values = (storage) => Array.from({ length: storage.length }, (_, i) => storage.getItem(storage.key(i)));
  return { session: values(sessionStorage), local: values(localStorage), cookie: document.cookie };
})()`;
/** Generous: the machine may be busy with other work; nothing here asserts a duration. */
const UI_TIMEOUT = 60_000;

describe('Admin console in a real browser (Chromium + playwright-core)', function () {
  this.timeout(180_000);
  let simulator: UpstreamSimulator;
  let service: ServiceProcess;
  let dataDir: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let consoleUrl: string;
  const requestedUrls: string[] = [];
  const pageProblems: string[] = [];

  before(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium is not installed at ${CHROMIUM}: the console's browser test drives Debian's Chromium. Install it with \`apt-get install -y chromium\` (.ci/run does this when it is missing).`);
    }
    await ensureConsoleBuilt();
    await truncateAll();
    await mkdir(SCREENSHOTS, { recursive: true });
    dataDir = await mkdtemp(join(tmpdir(), 'helpdesk-importer-console-'));

    simulator = new UpstreamSimulator();
    const upstreamUrl = await simulator.listen();
    simulator.addAccount(FAST_TOKEN, 'acme', generateDataset(1, { tickets: 40, messagesPerTicket: 3, contacts: 25 }));
    simulator.addAccount(SLOW_TOKEN, 'slowco', generateDataset(2, { tickets: 400, messagesPerTicket: 2, contacts: 10 }));
    simulator.onRequest = (token) => (token === SLOW_TOKEN ? new Promise((resolve) => setTimeout(resolve, SLOW_ANSWER_MS)) : undefined);

    service = startService({ DATABASE_URL: testDatabaseUrl(), PORT: '0', DATA_DIR: dataDir, ADMIN_TOKEN, JOB_POLL_INTERVAL_SECONDS: '0.5', LOG_LEVEL: 'info' });
    const port = await service.listening;
    await service.working;
    const serviceUrl = `http://127.0.0.1:${port}`;
    consoleUrl = `${serviceUrl}/console`;
    for (const client of [
      { slug: 'acme', name: 'Acme Ltd', apiToken: FAST_TOKEN },
      { slug: 'slowco', name: 'Slow & Co', apiToken: SLOW_TOKEN },
      // Upstream-shaped text that would be markup if rendered as HTML: it must show as text.
      { slug: 'markup', name: '<img src=x onerror="document.title=\'pwned\'"><b>Markup</b>', apiToken: 'markup-upstream-token' },
    ]) {
      const response = await fetch(`${serviceUrl}/api/admin/clients`, {
        method: 'POST',
        headers: { 'x-admin-token': ADMIN_TOKEN, 'content-type': 'application/json' },
        body: JSON.stringify({ ...client, apiBaseUrl: upstreamUrl, requestsPerMinute: 100_000 }),
      });
      expect(response.status, await response.text()).to.equal(201);
    }

    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT);
    page.on('request', (request) => requestedUrls.push(request.url()));
    page.on('console', (message) => {
      // The answers the test provokes on purpose (a wrong token, throttling, an invalid client) are logged by the browser too.
      if (message.type() === 'error' && !/^Failed to load resource: the server responded with a status of (400|401|429) /.test(message.text())) pageProblems.push(message.text());
    });
    page.on('pageerror', (error) => pageProblems.push(error.message));
  });

  after(async () => {
    await browser?.close();
    if (service) {
      service.child.kill('SIGTERM');
      await service.finished;
    }
    await simulator?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  async function signInWith(token: string): Promise<void> {
    await page.getByLabel('Admin token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  async function signInError(): Promise<string> {
    const alert = page.locator('#sign-in-error');
    await alert.waitFor();
    return (await alert.textContent()) ?? '';
  }

  async function screenshot(name: string): Promise<void> {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-1280x800.png`) });
    await page.setViewportSize({ width: 375, height: 800 });
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-375.png`), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
  }

  it('when a wrong token is entered, then it says so and stays on the form; when wrong tokens are throttled, then it says that; the right one (typed, then Enter) opens the clients', async () => {
    await page.goto(consoleUrl);
    await screenshot('sign-in');

    await signInWith('not-the-admin-token');
    const wrong = await signInError();
    // The service throttles an address after 30 wrong tokens in its current minute: send them, then one more from the page.
    let throttled = '';
    for (let attempt = 0; attempt < 3 && !throttled.includes('Too many wrong tokens'); attempt++) {
      for (let i = 0; i < 31; i++) await fetch(consoleUrl.replace('/console', '/api/jobs'), { headers: { 'x-admin-token': `wrong-${attempt}-${i}` } });
      await signInWith(`still-wrong-${attempt}`);
      await page.locator('#sign-in-error', { hasText: /Too many wrong tokens|not the right one/ }).waitFor();
      throttled = (await page.locator('#sign-in-error').textContent()) ?? '';
    }
    const formStillShown = await page.getByRole('button', { name: 'Sign in' }).isVisible();
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.getByLabel('Admin token').press('Enter');
    await page.getByRole('heading', { name: 'Clients' }).waitFor();

    expect(wrong).to.equal('That admin token is not the right one. Check it and try again.');
    expect(throttled).to.match(/^Too many wrong tokens from this address: the service is refusing sign-ins for now\. Try again in \d+ s\.$/);
    expect(formStillShown).to.equal(true);
  });

  it('when signed in, then every client is a row with its settings, and upstream-shaped text shows as text, never as markup', async () => {
    const rows = page.locator('table.clients-table tbody tr');
    await page.locator('tr[data-slug="slowco"]').waitFor();

    const slugs = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-slug')));
    const markupRow = page.locator('tr[data-slug="markup"]');

    expect(slugs).to.deep.equal(['acme', 'markup', 'slowco']);
    expect(await page.locator('tr[data-slug="acme"]').innerText()).to.include('Acme Ltd').and.include('100,000/min').and.include('never');
    expect(await markupRow.locator('th').innerText()).to.include('<img src=x onerror="document.title=\'pwned\'"><b>Markup</b>');
    expect(await markupRow.locator('img, b').count()).to.equal(0);
    expect(await page.title()).to.equal('helpdesk-importer console');
  });

  it('when Import is clicked on a client, then its run page shows the client’s progress bar reaching 100% and the run turning succeeded; the clients page then shows what was stored', async () => {
    await page.getByRole('button', { name: 'Import acme' }).click();
    await page.waitForURL(/#\/runs\/[0-9a-f-]{36}$/);
    const bar = page.getByRole('progressbar', { name: 'acme import progress' });
    await bar.waitFor();

    await page.locator('[role="progressbar"][aria-label="acme import progress"][aria-valuenow="100"]').waitFor();
    await page.locator('.run-status', { hasText: 'succeeded' }).waitFor();
    const finalValue = await bar.getAttribute('aria-valuenow');
    const clientRow = await page.locator('table.run-clients tr[data-slug="acme"]').innerText();
    await screenshot('run');
    await page.getByRole('link', { name: 'Clients', exact: true }).click();
    await page.locator('tr[data-slug="acme"] .last-run', { hasText: 'succeeded' }).first().waitFor();
    const acmeRow = await page.locator('tr[data-slug="acme"]').innerText();
    await screenshot('clients');

    expect(finalValue).to.equal('100');
    expect(clientRow).to.include('succeeded').and.include('40 tickets stored').and.include('120 messages');
    expect(acmeRow).to.match(/tickets\s+40/).and.match(/messages\s+120/).and.include('tickets:lastImportAt');
  });

  it('when a client is added with an invalid base URL, then the API’s error shows next to that field and nothing is added', async () => {
    await page.getByRole('button', { name: 'Add client' }).click();
    await page.getByLabel('Slug').fill('bad-url');
    await page.getByLabel('Name').fill('Bad URL');
    await page.getByLabel('Base URL').fill('not a url');
    await page.getByLabel('API token').fill('bad-url-upstream-token');
    await page.getByRole('button', { name: 'Save client' }).click();

    const fieldError = page.locator('#new-client-apiBaseUrl-error');
    await fieldError.waitFor();
    await screenshot('client-form');

    expect(await fieldError.innerText()).to.equal('Base URL: must be an http(s) URL');
    expect(await page.getByLabel('Base URL').getAttribute('aria-invalid')).to.equal('true');
    expect(await page.getByLabel('Base URL').getAttribute('aria-describedby')).to.include('new-client-apiBaseUrl-error');
    expect(await page.locator('#new-client-slug-error').count()).to.equal(0);
    expect(await page.locator('tr[data-slug="bad-url"]').count()).to.equal(0);
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  });

  it('when a reconcile with repair runs on a client whose stored tickets were deleted behind its back, then its run page shows the findings, repaired, and the clients page says the drift was repaired', async () => {
    const { rows } = await sql().query<{ id: string }>(`SELECT id FROM clients WHERE slug = 'acme'`);
    const deleted = await sql().query(`DELETE FROM tickets WHERE id IN (SELECT id FROM tickets WHERE client_id = $1 ORDER BY upstream_updated_at, external_uuid OFFSET 10 LIMIT 5)`, [rows[0]!.id]);
    expect(deleted.rowCount).to.equal(5);

    await page.getByRole('button', { name: 'Reconcile acme' }).click();
    const dialog = page.getByRole('dialog', { name: 'Reconcile acme' });
    await dialog.getByLabel('Repair the drift found (re-import what differs)').check();
    await dialog.getByRole('button', { name: 'Start' }).click();
    await page.waitForURL(/#\/runs\/[0-9a-f-]{36}$/);
    await page.locator('.run-status', { hasText: 'succeeded' }).waitFor();
    const findings = await page.locator('table.run-clients tr[data-slug="acme"] td[data-label="Findings"]').innerText();
    const headings = (await page.locator('table.run-clients thead').textContent()) ?? '';
    const totals = await page.locator('.facts').innerText();
    await screenshot('run-reconcile');
    await page.getByRole('link', { name: 'Clients', exact: true }).click();
    const drift = page.locator('tr[data-slug="acme"] .drift');
    await drift.waitFor();
    const driftText = await drift.innerText();
    await screenshot('clients-reconciled');

    expect(headings).to.include('Findings').and.not.include('Stored');
    // acme's contacts were never synced: the check finds them missing too, and the repair syncs them.
    const verdict = 'drift: 5 tickets missing, contact counts differ — repaired';
    expect(findings.split('\n')).to.include.members([verdict, 'tickets 40 upstream / 35 stored', '5 tickets, 15 messages, 25 contacts stored']);
    expect(findings).to.match(/missing in \d{4}-\d\d-\d\d /).and.match(/re-imported \d{4}-\d\d-\d\d /);
    expect(totals).to.include('upstream requests').and.not.match(/listedTickets|upstreamRequests|rateLimited/);
    expect(driftText).to.equal(verdict);
  });

  it('when a backfill is asked for a window that ends before it starts, then the API’s error shows beside To and the dialog stays open; a valid window then runs and succeeds', async () => {
    await page.getByRole('button', { name: 'Backfill acme' }).click();
    const dialog = page.getByRole('dialog', { name: 'Backfill acme' });
    await dialog.getByLabel('From (UTC)').fill('2026-01-02T00:00:05');
    await dialog.getByLabel('To (UTC, optional)').fill('2026-01-01T00:00:00');
    await dialog.getByRole('button', { name: 'Start' }).click();
    const toError = page.locator('#Backfill-acme-to-error');
    await toError.waitFor();
    const to = dialog.getByLabel('To (UTC, optional)');
    const [errorText, invalid, describedBy, fromInvalid, stillOpen, help] = [
      await toError.innerText(),
      await to.getAttribute('aria-invalid'),
      await to.getAttribute('aria-describedby'),
      await dialog.getByLabel('From (UTC)').getAttribute('aria-invalid'),
      await dialog.isVisible(),
      await page.locator('#Backfill-acme-to-help').innerText(),
    ];
    await screenshot('backfill-error');

    await dialog.getByLabel('From (UTC)').fill('2020-01-01T00:00:00');
    await to.fill('');
    await dialog.getByRole('button', { name: 'Start' }).click();
    await page.waitForURL(/#\/runs\/[0-9a-f-]{36}$/);
    await page.locator('.run-status', { hasText: 'succeeded' }).waitFor();
    const heading = await page.locator('#run-title').innerText();

    expect(errorText).to.equal('To (UTC, optional): must not be before from');
    expect(invalid).to.equal('true');
    expect(describedBy).to.include('Backfill-acme-to-error').and.include('Backfill-acme-to-help');
    expect(fromInvalid).to.equal(null);
    expect(stillOpen).to.equal(true);
    expect(help).to.include('default: the client’s cursor');
    expect(heading).to.include('backfill · acme');
    await page.getByRole('link', { name: 'Clients', exact: true }).click();
  });

  it('when a slow import runs, then the clients and runs pages show its progress bar; when it is cancelled from its run page, then the run ends cancelled', async () => {
    await page.getByRole('button', { name: 'Import slowco' }).click();
    await page.waitForURL(/#\/runs\/[0-9a-f-]{36}$/);
    await page.locator('table.run-clients tr[data-slug="slowco"] .status--running').waitFor();
    await page.getByRole('link', { name: 'Clients', exact: true }).click();
    await page.getByRole('progressbar', { name: 'slowco import progress' }).waitFor();
    await screenshot('clients-live');
    await page.getByRole('link', { name: 'Runs', exact: true }).click();
    await page.getByRole('progressbar', { name: 'slowco import progress' }).waitFor();
    await screenshot('runs');
    await page.locator('table.runs-table tbody tr').first().getByRole('link').click();

    await page.getByRole('button', { name: 'Cancel run' }).click();
    await page.locator('.run-status', { hasText: 'cancelled' }).waitFor();

    expect(await page.getByRole('button', { name: 'Cancel run' }).count()).to.equal(0);
    expect(await page.locator('table.run-clients tr[data-slug="slowco"]').innerText()).to.include('cancelled');
  });

  it('when signed in, the token was in session storage only and in no URL; when signed out, then the form is back and nothing of it is left', async () => {
    const whileSignedIn = await page.evaluate(STORAGE_IN_PAGE);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Admin token').waitFor();
    const afterSignOut = await page.evaluate(STORAGE_IN_PAGE);

    expect(whileSignedIn).to.deep.equal({ session: [ADMIN_TOKEN], local: [], cookie: '' });
    expect(afterSignOut).to.deep.equal({ session: [], local: [], cookie: '' });
    expect(await context.cookies()).to.deep.equal([]);
    expect(requestedUrls.filter((url) => url.includes(ADMIN_TOKEN))).to.deep.equal([]);
    expect(requestedUrls.every((url) => url.startsWith(consoleUrl.replace('/console', '/')) || url.startsWith('data:'))).to.equal(true);
    expect(pageProblems, 'errors in the page (a CSP violation, a script error)').to.deep.equal([]);
    expect(service.output()).to.not.include(ADMIN_TOKEN);
  });
});
