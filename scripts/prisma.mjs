// Runs the Prisma CLI with the given arguments (`node scripts/prisma.mjs generate`,
// `npm run prisma -- format`). Generating and formatting need no schema engine, but the CLI
// refuses to start without one and cannot download it on air-gapped machines: point it at any
// existing file.
import { spawnSync } from 'node:child_process';

const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';
const result = spawnSync('npx', ['--no-install', 'prisma', ...process.argv.slice(2)], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
