import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import pg from 'pg';
import { startService } from '../../tools/shared/service-process.js';

describe('The service on its embedded PostgreSQL', function () {
  this.timeout(90_000);
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'helpdesk-importer-embedded-'));
    // As root, the server runs as the OS user postgres, which must reach its directory.
    await chmod(dataDir, 0o755);
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('when DATABASE_URL is unset and EMBEDDED_POSTGRES_PORT=0, then it logs the real port and the URL with its password masked, and writes the URL for psql', async () => {
    const service = startService({ PORT: '0', DATA_DIR: dataDir, ADMIN_TOKEN: 'embedded-admin-token-0123456789', EMBEDDED_POSTGRES_PORT: '0' });
    try {
      await service.listening;
      const line = service
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l))
        .find((l) => l.msg === 'DATABASE_URL is not set: running an embedded PostgreSQL');
      const url = (await readFile(join(dataDir, 'embedded-postgres.url'), 'utf8')).trim();

      expect(line.port).to.be.a('number').and.not.equal(0);
      expect(line.url).to.equal(`postgresql://postgres:****@127.0.0.1:${line.port}/helpdesk_importer`);
      expect(url).to.equal(`postgresql://postgres:postgres@127.0.0.1:${line.port}/helpdesk_importer`);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query<{ tables: number }>(`SELECT count(*)::int AS tables FROM information_schema.tables WHERE table_name = 'tickets'`);
        expect(rows[0]!.tables).to.equal(1);
      } finally {
        await client.end();
      }
    } finally {
      service.child.kill('SIGTERM');
      await service.finished;
    }
  });
});
