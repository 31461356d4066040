/**
 * Lints the service's OpenAPI document with the ecosystem's own linters: Redocly's recommended
 * ruleset and Spectral's `spectral:oas`. Exits non-zero on any finding (`npm run lint:openapi`).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOpenApiDocument } from '../../src/interfaces/http/openapi/openapi-document.js';

const HERE = new URL('.', import.meta.url).pathname;
const BIN = join(HERE, '../../node_modules/.bin');
writeFileSync(join(HERE, 'openapi.json'), JSON.stringify(buildOpenApiDocument(), null, 2));

const linters = [
  { name: 'redocly', args: ['lint', 'openapi.json', '--format=stylish', '--max-problems=100'] },
  { name: 'spectral', args: ['lint', 'openapi.json', '--ruleset', '.spectral.yaml', '--fail-severity=hint'] },
];
let failed = false;
for (const { name, args } of linters) {
  const result = spawnSync(join(BIN, name), args, { cwd: HERE, encoding: 'utf8', env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } });
  const output = `${result.stdout}${result.stderr}`;
  const clean = result.status === 0 && !/\b(warning|error)\b/i.test(output.replace(/No results with a severity of 'error' found!/, '').replace(/Deprecation warning[^\n]*/g, ''));
  process.stdout.write(`${name}: ${clean ? 'clean' : 'findings'}\n`);
  if (!clean) {
    failed = true;
    process.stdout.write(`${output}\n`);
  }
}
process.exit(failed ? 1 : 0);
