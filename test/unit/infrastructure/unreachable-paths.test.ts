import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { refuseUnreachablePaths } from '../../../src/infrastructure/database/embedded-postgres.js';

describe('The embedded PostgreSQL run as root, and directories its user cannot enter', () => {
  it('when a path lies under a directory closed to others (as mktemp -d makes them), then the error names that directory and the ways out', () => {
    const root = mkdtempSync(join(tmpdir(), 'unreachable-'));
    try {
      const closed = join(root, 'private');
      mkdirSync(join(closed, 'checkout', 'node_modules'), { recursive: true });
      chmodSync(root, 0o755);
      chmodSync(closed, 0o700);

      expect(() => refuseUnreachablePaths([join(closed, 'checkout', 'node_modules', 'x.js')])).to.throw(`cannot enter ${closed} `).with.property('message').that.includes('DATABASE_URL');
      chmodSync(closed, 0o755);
      expect(() => refuseUnreachablePaths([join(closed, 'checkout', 'node_modules', 'x.js')])).to.not.throw();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
