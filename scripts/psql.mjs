// `npm run psql`: opens psql on the service's database — DATABASE_URL (environment or ./.env),
// else the embedded PostgreSQL that `npm start` runs (its URL is in $DATA_DIR/embedded-postgres.url
// while it runs). Extra arguments go to psql: `npm run psql -- -c 'select count(*) from tickets'`.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

try {
  process.loadEnvFile('.env');
} catch {}
const file = join(process.env.DATA_DIR || '.data', 'embedded-postgres.url');
let url = process.env.DATABASE_URL;
if (!url) {
  try {
    url = readFileSync(file, 'utf8').trim();
  } catch {
    process.stderr.write(`no database: set DATABASE_URL, or start the service (npm start) so that it writes ${file}\n`);
    process.exit(2);
  }
}
const result = spawnSync('psql', [url, ...process.argv.slice(2)], { stdio: 'inherit' });
if (result.error) {
  process.stderr.write(`cannot run psql (${result.error.code}): install PostgreSQL's client (Debian: apt-get install postgresql-client)\n`);
  process.exit(2);
}
process.exit(result.status ?? 1);
