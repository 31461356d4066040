// A fingerprint of a build's inputs, kept beside the build so that a script rebuilds only when
// they changed. By modification time and size (cheap, for the whole service), or by content
// (for the console, whose build is rerun by tests on fresh clones where every mtime is new).
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function* files(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return;
  if (!stat.isDirectory()) {
    yield [path, stat];
    return;
  }
  for (const name of readdirSync(path).sort()) yield* files(join(path, name));
}

/** `inputs`: files or folders relative to `root`. */
export function sourcesFingerprint(root, inputs, { byContent = false } = {}) {
  const hash = createHash('sha256');
  for (const input of inputs) {
    for (const [path, stat] of files(join(root, input))) {
      if (byContent) hash.update(`${path}\0`).update(readFileSync(path)).update('\n');
      else hash.update(`${path}\0${stat.size}\0${stat.mtimeMs}\n`);
    }
  }
  return hash.digest('hex');
}
