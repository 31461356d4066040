import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { NotAuthorisedError, UsageError } from '../../src/interfaces/cli/cli-errors.js';
import { adminToken, serviceUrl } from '../../src/interfaces/cli/connection-settings.js';

describe('CLI: connection settings', () => {
  it('when nothing is set, then the service is on localhost at PORT, else 3000', () => {
    expect(serviceUrl(undefined, {})).to.equal('http://localhost:3000');
    expect(serviceUrl(undefined, { PORT: '8080' })).to.equal('http://localhost:8080');
  });

  it('when --url and HELPDESK_IMPORTER_URL are both given, then --url wins, without its trailing slash', () => {
    expect(serviceUrl('https://importer.example/', { HELPDESK_IMPORTER_URL: 'http://other:1' })).to.equal('https://importer.example');
    expect(serviceUrl(undefined, { HELPDESK_IMPORTER_URL: 'http://importer.internal:3000/' })).to.equal('http://importer.internal:3000');
  });

  it('when the URL is not http(s) or carries credentials, then it is a usage error that does not repeat the credentials', () => {
    expect(() => serviceUrl('ftp://importer.example', {})).to.throw(UsageError);
    expect(() => serviceUrl('not a url', {})).to.throw(UsageError, 'is not a valid URL');
    expect(() => serviceUrl('http://admin:hunter2@importer.example', {})).to.throw(UsageError).with.property('message').that.does.not.include('hunter2');
  });

  it('when the URL ends in /api, then it is a usage error saying the URL is the service origin', () => {
    expect(() => serviceUrl('http://localhost:3100/api', {})).to.throw(UsageError, 'http://localhost:3100, without /api');
    expect(() => serviceUrl(undefined, { HELPDESK_IMPORTER_URL: 'http://localhost:3100/api/' })).to.throw(UsageError, 'origin');
    expect(serviceUrl('https://proxy.example/importer', {})).to.equal('https://proxy.example/importer');
  });

  describe('the admin token', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'helpdesk-importer-cli-settings-'));
    });
    afterEach(() => rm(dir, { recursive: true, force: true }));

    it('when ADMIN_TOKEN is set, then it is used even if a generated token file exists', async () => {
      await writeFile(join(dir, 'admin-token'), 'generated-token\n');

      expect(await adminToken({ ADMIN_TOKEN: 'configured-token', DATA_DIR: dir })).to.equal('configured-token');
    });

    it('when ADMIN_TOKEN is unset or empty, then the token the service generated under DATA_DIR is used', async () => {
      await writeFile(join(dir, 'admin-token'), 'generated-token\n');

      expect(await adminToken({ ADMIN_TOKEN: '', DATA_DIR: dir })).to.equal('generated-token');
    });

    it('when there is no token at all, then it is a not-authorised error naming where it looked', async () => {
      const error = await adminToken({ DATA_DIR: dir }).catch((e: unknown) => e);

      expect(error).to.be.instanceOf(NotAuthorisedError);
      expect((error as Error).message).to.equal(`no admin token: set ADMIN_TOKEN, or run where the service keeps ${join(dir, 'admin-token')}`);
    });

    it('when the token holds characters a header cannot carry, then it is refused without being quoted', async () => {
      const error = await adminToken({ ADMIN_TOKEN: 'line-one\nline-two' }).catch((e: unknown) => e);

      expect(error).to.be.instanceOf(NotAuthorisedError);
      expect((error as Error).message).to.not.include('line-one');
    });
  });
});
