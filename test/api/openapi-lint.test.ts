import { spawnSync } from 'node:child_process';
import { expect } from 'chai';

const ROOT = new URL('../../', import.meta.url).pathname;

describe('The OpenAPI document under the ecosystem’s linters', function () {
  this.timeout(120_000);

  it('when Redocly (recommended) and Spectral (spectral:oas) lint it, then neither reports anything', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'tools/lint-openapi/lint-openapi.ts'], { cwd: ROOT, encoding: 'utf8' });

    expect(result.stdout, result.stderr).to.include('redocly: clean').and.include('spectral: clean');
    expect(result.status, result.stdout).to.equal(0);
  });
});
