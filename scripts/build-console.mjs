// Builds the admin console (console/, Vite) into dist/console, where the service serves it at
// /console. `--if-stale` builds only when the console's sources changed since the last build
// (a fingerprint kept beside it): what the browser test uses, so that `npm test` needs no
// build beforehand.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sourcesFingerprint } from './sources-fingerprint.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const OUT = join(ROOT, 'dist', 'console');
const STAMP = join(OUT, '.sources-fingerprint');
const INPUTS = ['console', 'package-lock.json', 'scripts/build-console.mjs', 'scripts/sources-fingerprint.mjs'];

const current = sourcesFingerprint(ROOT, INPUTS, { byContent: true });
if (process.argv.includes('--if-stale') && existsSync(join(OUT, 'index.html')) && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === current) process.exit(0);
const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
const result = spawnSync(process.execPath, [vite, 'build', '--config', join(ROOT, 'console', 'vite.config.ts'), '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
writeFileSync(STAMP, current);
