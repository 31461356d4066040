import { spawnSync } from 'node:child_process';
import { expect } from 'chai';

const ROOT = new URL('../../../', import.meta.url).pathname;

describe('prisma/schema.prisma', function () {
  this.timeout(60_000);

  it('when Prisma checks its formatting, then it finds nothing to change (`npm run prisma -- format` fixes it)', () => {
    const result = spawnSync(process.execPath, ['scripts/prisma.mjs', 'format', '--check'], { cwd: ROOT, encoding: 'utf8' });

    expect(result.status, `${result.stdout}${result.stderr}`).to.equal(0);
  });
});
