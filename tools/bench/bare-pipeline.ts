/**
 * The floor of B2 and B7, run as its own process (like the service, away from the simulator's
 * CPU): the same pages fetched with plain undici at the same concurrency per token, parsed with
 * JSON.parse and upserted with plain pg multi-row statements into scratch tables — no
 * validation, no budget, no checkpoints, no bookkeeping. Several tokens (comma-separated) are
 * walked side by side, each with its own concurrency, as the service works on its clients.
 * Prints `{ rows, ms, requests }` as JSON.
 *
 *   node --import tsx tools/bench/bare-pipeline.ts <upstream base URL> <token[,token…]> <database URL> <concurrency>
 */
import pLimit from 'p-limit';
import pg from 'pg';
import { request } from 'undici';
import type { SimMessage, SimTicket } from '../upstream-simulator/dataset.js';
import { createScratchTables, dropScratchTables, upsertTicketsAndMessages } from './baseline-insert.js';

const [baseUrl, tokenList, databaseUrl, concurrencyText] = process.argv.slice(2) as [string, string, string, string];
const PAGE = 100;
const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
let requests = 0;
let rows = 0;

async function getJson<T>(token: string, path: string): Promise<T> {
  requests += 1;
  const response = await request(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
  return JSON.parse(await response.body.text()) as T;
}

async function walk(token: string): Promise<void> {
  const limit = pLimit(Number(concurrencyText));
  let writing: Promise<void> = Promise.resolve();
  for (let page = 1; ; page += 1) {
    const { data: tickets } = await getJson<{ data: SimTicket[] }>(token, `/ticket?updatedAtFrom=1970-01-01T00:00:00.000Z&page=${page}&limit=${PAGE}`);
    const pages = await Promise.all(tickets.map((t) => limit(() => getJson<{ data: SimMessage[] }>(token, `/ticket/${encodeURIComponent(t.uuid)}/messages?page=1&limit=${PAGE}`))));
    const messages = pages.flatMap((p) => p.data);
    // As the import does, a page is written while the next one is fetched.
    await writing;
    writing = upsertTicketsAndMessages(pool, tickets, messages);
    rows += tickets.length + messages.length;
    if (tickets.length < PAGE) break;
  }
  await writing;
}

await createScratchTables(pool);
const started = performance.now();
await Promise.all(tokenList.split(',').map(walk));
const ms = performance.now() - started;
await dropScratchTables(pool);
await pool.end();
process.stdout.write(`${JSON.stringify({ rows, ms, requests })}\n`);
