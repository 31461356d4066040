// `npm start` builds only when the build is missing or older than its sources, the service's
// (src/) and the console's (console/): a fingerprint of every input (path, size, modification
// time) is kept beside the build, and a rebuild happens when it differs. `npm run build` always
// rebuilds.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sourcesFingerprint } from './sources-fingerprint.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const STAMP = join(ROOT, 'dist', '.sources-fingerprint');
const INPUTS = ['src', 'console', 'scripts/build-console.mjs', 'scripts/sources-fingerprint.mjs', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];

const current = sourcesFingerprint(ROOT, INPUTS);
let built = '';
try {
  built = readFileSync(STAMP, 'utf8');
} catch {}
if (built === current) process.exit(0);
process.stdout.write('building (the sources changed since the last build)…\n');
const result = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
writeFileSync(STAMP, current);
