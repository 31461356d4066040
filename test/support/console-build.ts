import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const ROOT = new URL('../../', import.meta.url).pathname;

/** Builds the console into dist/console unless that build is of the current sources: `npm test` needs no build beforehand. */
export async function ensureConsoleBuilt(): Promise<void> {
  await promisify(execFile)(process.execPath, ['scripts/build-console.mjs', '--if-stale'], { cwd: ROOT, timeout: 120_000 });
}
