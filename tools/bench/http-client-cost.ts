/**
 * What one upstream request costs in CPU with each HTTP client, against a local server giving
 * a page of 20 messages: undici's `request` (the bare pipeline's), the global fetch, and ky over
 * the global fetch as the upstream adapter configures it (prefixUrl, headers, searchParams and a
 * caller's signal; no timeout, no retry). The same process serves and fetches, so each figure
 * includes the server's share, alike for all three. B2's gap to its floor is mostly this.
 *
 *   npx tsx tools/bench/http-client-cost.ts [requests=5000]
 */
import http from 'node:http';
import ky from 'ky';
import { Agent, request } from 'undici';

const REQUESTS = Number(process.argv[2] ?? 5000);
const CONCURRENCY = 8;
const body = JSON.stringify({
  data: Array.from({ length: 20 }, (_, i) => ({ id: `m-${i}`, ticketUuid: 't-1', direction: 'in', type: 'text', body: 'x'.repeat(200), createdAt: new Date().toISOString() })),
  meta: { total: 20 },
});
const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(body);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
const headers = { authorization: 'Bearer bench-token', accept: 'application/json' };
const agent = new Agent();
const viaKy = ky.create({ prefixUrl: base, headers, timeout: false, retry: 0, throwHttpErrors: false });

const clients: [string, () => Promise<unknown>][] = [
  ['undici request', async () => JSON.parse(await (await request(`${base}/ticket/t-1/messages?page=1&limit=100`, { headers, dispatcher: agent, signal: new AbortController().signal })).body.text())],
  ['global fetch', async () => JSON.parse(await (await fetch(`${base}/ticket/t-1/messages?page=1&limit=100`, { headers, signal: new AbortController().signal })).text())],
  ['ky over the global fetch', async () => JSON.parse(await (await viaKy.get('ticket/t-1/messages', { searchParams: { page: 1, limit: 100 }, signal: new AbortController().signal })).text())],
];

async function cpuPerRequest(one: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 500; i++) await one();
  const before = process.cpuUsage();
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next++ < REQUESTS) await one();
  }));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / REQUESTS;
}

// Interleaved rounds, the best of three for each: the machine's noise only ever adds.
const best = new Map<string, number>();
for (let round = 0; round < 3; round++) {
  for (const [name, one] of clients) best.set(name, Math.min(best.get(name) ?? Infinity, await cpuPerRequest(one)));
}
const floor = best.get('undici request')!;
for (const [name, us] of best) console.log(`${name.padEnd(26)} ${us.toFixed(0).padStart(5)} µs of CPU per request (${(us / floor).toFixed(1)} × undici request)`);
server.close();
await agent.close();
