/**
 * B7–B12: many tenants at once (issue 10). Each "N clients" figure is measured against "one
 * client alone" in the same benchmark run, each on a fresh database.
 */
import type { DatasetSize, SimMessage, SimTicket } from '../upstream-simulator/dataset.js';
import type { RequestRecord, SimulatorOptions } from '../upstream-simulator/simulator.js';
import { differencesFromUpstream } from '../shared/verify-against-simulator.js';
import { barePipeline } from './bare-pipeline-run.js';
import { peakRssMb, type ClientStats } from './harness.js';
import { log, withScenario, type Result, type ScenarioContext } from './scenario.js';

type Run = { status: string; stats: Record<string, ClientStats> };

const UNTHROTTLED = { EXTERNAL_API_REQUESTS_PER_MINUTE: '100000000' };
const LATENCY_BOUND: SimulatorOptions = { latencyMs: 200, jitterMs: 20, requestsPerMinute: 600 };
const LATENCY_BOUND_ENV = { EXTERNAL_API_REQUESTS_PER_MINUTE: '600' };
const LATENCY_BOUND_SIZE: DatasetSize = { tickets: 30, messagesPerTicket: 3, contacts: 0 };
/** 89 tickets on one page: 1 listing + 89 message requests = 90, half again a 60/min window. */
const RATE_BOUND_SIZE: DatasetSize = { tickets: 89, messagesPerTicket: 3, contacts: 0 };
/** Two pages (100 + 5), so the crash falls in the middle of a full one; ~110 requests ≈ two windows at 60/min. */
const INTERRUPTED_SIZE: DatasetSize = { tickets: 105, messagesPerTicket: 3, contacts: 0 };
const INTERRUPT_AFTER_MESSAGES = 40;
const CONCURRENCY = 8;
const SLOW_ENV = { EXTERNAL_API_REQUESTS_PER_MINUTE: '60', EXTERNAL_API_CONCURRENCY: String(CONCURRENCY), JOB_ORPHAN_AFTER_SECONDS: '2' };
const SLOW: SimulatorOptions = { latencyMs: 100, jitterMs: 20, requestsPerMinute: 60 };

/**
 * BENCH_SCALE (default 1) multiplies the numbers of clients of B7–B10 (and B9's big client's
 * totals with them), to try the scenarios at a small size first; the targets are for 1.
 */
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const scaled = (n: number) => Math.max(1, Math.round(n * SCALE));
const N7 = scaled(100);
const N8 = scaled(50);
const N9 = scaled(1000);
const N10 = scaled(200);
const count = (n: number) => n.toLocaleString('en');

const clients = (prefix: string, count: number, size: DatasetSize) =>
  Array.from({ length: count }, (_, i) => ({ slug: `${prefix}${String(i + 1).padStart(4, '0')}`, size }));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const FINISHED = ['succeeded', 'failed', 'cancelled'];

interface Timed {
  ms: number;
  finished: boolean;
  run: Run;
}

/**
 * Triggers `path`, and times it from the 202 to the run seen finished (polled every 100 ms).
 * Past `capMs` it gives up and kills the service (a SIGTERM would wait for pages in flight):
 * the target is missed by then anyway, and the bench stays short on slow code.
 */
async function timedRun(ctx: ScenarioContext, path: string, capMs: number): Promise<Timed> {
  const { location, status } = await ctx.service.trigger(path);
  if (status !== 202) throw new Error(`POST ${path} answered ${status}`);
  const started = Date.now();
  const { finished, run } = await ctx.service.waitAtMost(location, capMs);
  const ms = Date.now() - started;
  if (!finished) await ctx.service.service.kill();
  return { ms, finished, run };
}

/** "17.3 s", or "not finished after 60.0 s: 12/100 clients done" when cut. */
function describe(t: Timed): string {
  if (t.finished) return `${seconds(t.ms)} (run ${t.run.status}${t.run.status === 'succeeded' ? '' : `: ${failedClients(t.run)} clients not succeeded`})`;
  const entries = Object.values(t.run.stats ?? {});
  return `not finished after ${seconds(t.ms)} (cut there: ${entries.filter((s) => FINISHED.includes(s.status)).length}/${entries.length} clients done)`;
}

const failedClients = (run: Run) => Object.values(run.stats).filter((s) => s.status !== 'succeeded').length;
const ok = (t: Timed) => t.finished && t.run.status === 'succeeded';
/** Ratio of two wall times; a cut run counts as at least its cap. */
const ratioText = (many: Timed, one: Timed) => `${many.finished ? '' : '≥ '}${(many.ms / one.ms).toFixed(2)}`;

/** The most requests with one token arriving within any 60 s, counting those answered 429: what the service sent. */
function busiestSent(requests: RequestRecord[], token: string, windowMs = 60_000): number {
  const times = requests.filter((r) => r.token === token).map((r) => r.startedAt).sort((a, b) => a - b);
  let busiest = 0;
  for (let first = 0, last = 0; last < times.length; last++) {
    while (times[last]! - times[first]! >= windowMs) first++;
    busiest = Math.max(busiest, last - first + 1);
  }
  return busiest;
}

export const tenantScenarios: Record<string, (serverUrl: string) => Promise<Result[]>> = {
  async B7(serverUrl) {
    // The same clients walked by the bare pipeline afterwards: what this machine allows at all.
    const floor = (ctx: ScenarioContext) => barePipeline(ctx.baseUrl, ctx.tokens, ctx.databaseUrl, String(CONCURRENCY));
    const one = await withScenario(serverUrl, 'b7_one', LATENCY_BOUND, clients('lat', 1, LATENCY_BOUND_SIZE), LATENCY_BOUND_ENV, async (ctx) => ({ ...(await timedRun(ctx, '/api/jobs/import', 120_000)), bare: await floor(ctx) }));
    log(`  one client: ${describe(one)}`);
    const many = await withScenario(serverUrl, 'b7_many', LATENCY_BOUND, clients('lat', N7, LATENCY_BOUND_SIZE), LATENCY_BOUND_ENV, async (ctx) => {
      const timed = await timedRun(ctx, '/api/jobs/import', Math.max(20 * one.ms, 60_000));
      const requests = ctx.simulator.requests.length;
      return { ...timed, throttled: ctx.simulator.requests.filter((r) => r.status === 429).length, requests, bare: await floor(ctx) };
    });
    const ratio = many.ms / one.ms;
    return [{
      id: 'B7',
      title: `latency-bound tenants: ${N7} clients × 30 tickets × 3 messages, 200 ± 20 ms latency, 600/min each`,
      target: `wall(${N7} clients, one POST /api/jobs/import) ÷ wall(1 client alone) ≤ 1.5`,
      figures: [
        `one client: ${describe(one)}; ${N7} clients: ${describe(many)}; ratio ${ratioText(many, one)}`,
        `${N7} clients: ${many.requests} upstream requests, ${many.throttled} 429s`,
        `for information, the bare pipeline (plain undici + pg, ${CONCURRENCY} in flight per token, its own process) on the same clients: one ${seconds(one.bare.ms)}, ${N7} ${seconds(many.bare.ms)} (${many.bare.requests} requests); ratio ${(many.bare.ms / one.bare.ms).toFixed(2)}`,
      ],
      met: ok(one) && ok(many) && ratio <= 1.5,
    }];
  },

  async B8(serverUrl) {
    const options: SimulatorOptions = { ...LATENCY_BOUND, requestsPerMinute: 60 };
    const env = { EXTERNAL_API_REQUESTS_PER_MINUTE: '60' };
    const measure = (ctx: ScenarioContext, capMs: number) =>
      timedRun(ctx, '/api/jobs/import', capMs).then((timed) => ({
        ...timed,
        throttled: ctx.simulator.requests.filter((r) => r.status === 429).length,
        busiest: Math.max(...ctx.tokens.map((t) => busiestSent(ctx.simulator.requests, t))),
        perClient: ctx.simulator.requests.length / ctx.tokens.length,
      }));
    const one = await withScenario(serverUrl, 'b8_one', options, clients('rate', 1, RATE_BOUND_SIZE), env, (ctx) => measure(ctx, 240_000));
    log(`  one client: ${describe(one)}`);
    // Cut at twice one client's time: the target (1.15) is missed long before.
    const many = await withScenario(serverUrl, 'b8_many', options, clients('rate', N8, RATE_BOUND_SIZE), env, (ctx) => measure(ctx, 2 * one.ms));
    const ratio = many.ms / one.ms;
    return [{
      id: 'B8',
      title: `rate-bound tenants: ${N8} clients, each 60/min at the upstream and in the service, ~90 requests each, 200 ± 20 ms latency`,
      target: `wall(${N8}) ≤ 1.15 × wall(1); zero 429s; no token over 60 requests in any 60 s window`,
      figures: [
        `one client: ${describe(one)}, ${one.perClient} requests; ${N8} clients: ${describe(many)}; ratio ${ratioText(many, one)}`,
        `429s: ${one.throttled} alone, ${many.throttled} with ${N8}; busiest 60 s window of any token, counting every request sent (429s included): ${one.busiest} alone, ${many.busiest} with ${N8}`,
      ],
      met: ok(one) && ok(many) && ratio <= 1.15 && one.throttled + many.throttled === 0 && Math.max(one.busiest, many.busiest) <= 60,
    }];
  },

  async B9(serverUrl) {
    // The import and the sync each on fresh databases, so a cut import does not leave the sync unmeasured.
    const options: SimulatorOptions = { latencyMs: 20 };
    const big = (tickets: number, contacts: number) => [{ slug: 'big', size: { tickets, messagesPerTicket: 3, contacts } }];
    const small = (tickets: number, contacts: number) => clients('small', N9, { tickets, messagesPerTicket: 3, contacts });
    const cap = (one: Timed) => Math.max(3 * one.ms, 60_000);
    const oneImport = await withScenario(serverUrl, 'b9_one_import', options, big(10 * N9, 0), UNTHROTTLED, (ctx) => timedRun(ctx, '/api/jobs/import', 600_000));
    log(`  one client, import: ${describe(oneImport)}`);
    const manyImport = await withScenario(serverUrl, 'b9_many_import', options, small(10, 0), UNTHROTTLED, (ctx) => timedRun(ctx, '/api/jobs/import', cap(oneImport)));
    log(`  ${count(N9)} clients, import: ${describe(manyImport)}`);
    const oneSync = await withScenario(serverUrl, 'b9_one_sync', options, big(0, 20 * N9), UNTHROTTLED, (ctx) => timedRun(ctx, '/api/admin/sync/contacts', 600_000));
    log(`  one client, contacts sync: ${describe(oneSync)}`);
    const manySync = await withScenario(serverUrl, 'b9_many_sync', options, small(0, 20), UNTHROTTLED, (ctx) => timedRun(ctx, '/api/admin/sync/contacts', cap(oneSync)));
    return [{
      id: 'B9',
      title: `per-client overhead: ${count(N9)} clients × (10 tickets × 3 messages, 20 contacts) against 1 client with the same totals (${count(10 * N9)} tickets, ${count(20 * N9)} contacts), unthrottled, 20 ms latency`,
      target: `wall(${count(N9)} clients) ÷ wall(1 client) ≤ 1.2, for the import and, separately, for the contacts sync`,
      figures: [
        `import: one client ${describe(oneImport)}; ${count(N9)} clients ${describe(manyImport)}; ratio ${ratioText(manyImport, oneImport)}`,
        `contacts sync: one client ${describe(oneSync)}; ${count(N9)} clients ${describe(manySync)}; ratio ${ratioText(manySync, oneSync)}`,
      ],
      met: ok(oneImport) && ok(manyImport) && manyImport.ms / oneImport.ms <= 1.2 && ok(oneSync) && ok(manySync) && manySync.ms / oneSync.ms <= 1.2,
    }];
  },

  async B10(serverUrl) {
    return withScenario(serverUrl, 'b10', LATENCY_BOUND, clients('mem', N10, LATENCY_BOUND_SIZE), LATENCY_BOUND_ENV, async (ctx) => {
      const pid = ctx.service.service.child.pid!;
      // Read the peak while the process lives: a cut run is killed.
      let peak = 0;
      const sampler = setInterval(() => void peakRssMb(pid).then((mb) => (peak = Math.max(peak, mb)), () => {}), 500);
      const timed = await timedRun(ctx, '/api/jobs/import', 240_000).finally(() => clearInterval(sampler));
      if (timed.finished) peak = Math.max(peak, await peakRssMb(pid));
      return [{
        id: 'B10',
        title: `memory: B7’s shape with ${N10} clients (30 tickets × 3 messages each, 200 ± 20 ms, 600/min each)`,
        target: 'peak RSS of the service (VmHWM) ≤ 300 MB',
        figures: [`run: ${describe(timed)}; peak RSS of the service process (VmHWM): ${peak} MB`],
        met: ok(timed) && peak <= 300,
      }];
    });
  },

  async B11(serverUrl) {
    return withScenario(serverUrl, 'b11', SLOW, [{ slug: 'crash', size: INTERRUPTED_SIZE }], SLOW_ENV, async (ctx) => {
      const [token, clientId, dataset] = [ctx.tokens[0]!, ctx.clientIds[0]!, ctx.datasets[0]!];
      const crashed = interruptAfterMessages(ctx, 'SIGKILL');
      const { location } = await ctx.service.trigger('/api/jobs/import/crash');
      const crashAt = await crashed;
      await ctx.service.service.finished;
      // Let the requests in flight at the crash be answered, so the log holds them all.
      await new Promise((r) => setTimeout(r, 500));
      const waste = await wasteAtCrash(ctx, token, clientId, dataset, crashAt);

      const restartAt = Date.now();
      const service = await ctx.restart();
      const { finished, run } = await service.waitAtMost(location, 300_000);
      const resumed = ctx.simulator.requests.filter((r) => r.startedAt >= restartAt);
      const throttled = resumed.filter((r) => r.status === 429).length;
      const differences = await differencesFromUpstream(ctx.pool, clientId, dataset, false);
      return [{
        id: 'B11',
        title: `crash waste: kill -9 after ${INTERRUPT_AFTER_MESSAGES} message requests of the first page (${INTERRUPTED_SIZE.tickets} tickets, 60/min, ${CONCURRENCY} in flight), then restart`,
        target: `upstream requests made before the crash for data not stored by then ≤ EXTERNAL_API_CONCURRENCY + 1 = ${CONCURRENCY + 1}; 429s of the resumed run: 0; database equal to the simulator at the end`,
        figures: [
          `before the crash: ${waste.made} requests (${waste.throttled} of them 429s); stored by then: ${waste.storedTickets} tickets, ${waste.storedMessages} messages, cursor ${waste.cursor ?? 'none'}`,
          `wasted: ${waste.messages} message requests + ${waste.listings} listing requests = ${waste.messages + waste.listings}`,
          `resumed run: ${finished ? run.status : 'not finished after 300 s'}, ${resumed.length} requests, ${throttled} 429s; database ${differences.length ? `differs: ${differences.join('; ')}` : 'equal to the simulator'}`,
        ],
        met: waste.messages + waste.listings <= CONCURRENCY + 1 && throttled === 0 && finished && run.status === 'succeeded' && differences.length === 0,
      }];
    });
  },

  async B12(serverUrl) {
    return withScenario(serverUrl, 'b12', SLOW, [{ slug: 'term', size: INTERRUPTED_SIZE }], SLOW_ENV, async (ctx) => {
      const [clientId, dataset] = [ctx.clientIds[0]!, ctx.datasets[0]!];
      const signalled = interruptAfterMessages(ctx, 'SIGTERM');
      const { location } = await ctx.service.trigger('/api/jobs/import/term');
      const termAt = await signalled;
      const exit = await Promise.race([ctx.service.service.finished, new Promise<null>((r) => setTimeout(() => r(null), 45_000))]);
      const exitMs = Date.now() - termAt;
      if (!exit) await ctx.service.service.kill();

      const restartAt = Date.now();
      const service = await ctx.restart();
      const { finished, run } = await service.waitAtMost(location, 300_000);
      const resumed = ctx.simulator.requests.filter((r) => r.startedAt >= restartAt);
      const differences = await differencesFromUpstream(ctx.pool, clientId, dataset, false);
      return [{
        id: 'B12',
        title: `shutdown: SIGTERM after ${INTERRUPT_AFTER_MESSAGES} message requests of the first page (${INTERRUPTED_SIZE.tickets} tickets, 60/min), then restart`,
        target: 'exit code 0 within 10 s; the restart resumes and the database ends exactly equal to the simulator',
        figures: [
          exit ? `exit code ${exit.code}${exit.signal ? ` (signal ${exit.signal})` : ''} ${seconds(exitMs)} after SIGTERM` : `still running ${seconds(exitMs)} after SIGTERM: killed`,
          `resumed run: ${finished ? run.status : 'not finished after 300 s'}, ${resumed.length} requests, ${resumed.filter((r) => r.status === 429).length} 429s; database ${differences.length ? `differs: ${differences.join('; ')}` : 'equal to the simulator'}`,
        ],
        met: !!exit && exit.code === 0 && exitMs <= 10_000 && finished && run.status === 'succeeded' && differences.length === 0,
      }];
    });
  },
};

/** Sends `signal` to the service as the simulator is about to answer the Nth message request; resolves with that moment. */
function interruptAfterMessages(ctx: ScenarioContext, signal: NodeJS.Signals): Promise<number> {
  return new Promise((resolve) => {
    let messages = 0;
    ctx.simulator.onRequest = (_token, path) => {
      if (!path.endsWith('/messages') || ++messages !== INTERRUPT_AFTER_MESSAGES) return;
      const at = Date.now();
      ctx.service.service.child.kill(signal);
      ctx.simulator.onRequest = undefined;
      resolve(at);
    };
  });
}

/**
 * The upstream requests that arrived before the crash and brought nothing the database held
 * right after it: a message request whose messages (that page of them) are not all stored, and a
 * listing request none of whose tickets is stored (at the `updatedAt` it listed). Answers are
 * recomputed from the data set, which does not change in this scenario.
 */
async function wasteAtCrash(ctx: ScenarioContext, token: string, clientId: string, dataset: ScenarioContext['datasets'][number], crashAt: number) {
  const tickets = await ctx.pool.query<{ uuid: string; updated: Date }>('SELECT external_uuid AS uuid, upstream_updated_at AS updated FROM tickets WHERE client_id = $1', [clientId]);
  const stored = new Map(tickets.rows.map((r) => [r.uuid, r.updated.toISOString()]));
  const messages = new Set((await ctx.pool.query<{ id: string }>('SELECT external_id AS id FROM messages WHERE client_id = $1', [clientId])).rows.map((r) => r.id));
  const cursor = (await ctx.pool.query<{ value: string }>(`SELECT value FROM sync_cursors WHERE client_id = $1 AND key = 'tickets:lastImportAt'`, [clientId])).rows[0]?.value ?? null;
  const before = ctx.simulator.requests.filter((r) => r.token === token && r.startedAt < crashAt);
  const waste = { made: before.length, throttled: 0, messages: 0, listings: 0, storedTickets: stored.size, storedMessages: messages.size, cursor };
  for (const r of before) {
    if (r.status === 429) {
      waste.throttled += 1;
      continue;
    }
    const query = new URLSearchParams(r.query);
    const messagesOf = /^\/ticket\/([^/]+)\/messages$/.exec(r.path);
    if (messagesOf) {
      const uuid = decodeURIComponent(messagesOf[1]!);
      const answered = paged(dataset.messagesOf(uuid).sort(byCreatedAtThenId), query);
      const useless = answered.length ? answered.some((m) => !messages.has(m.id)) : !stored.has(uuid);
      if (useless) waste.messages += 1;
    } else if (r.path === '/ticket') {
      const from = Date.parse(query.get('updatedAtFrom') ?? '1970-01-01T00:00:00.000Z');
      const listed = paged([...dataset.tickets.values()].filter((t) => Date.parse(t.updatedAt) >= from).sort(byUpdatedAtThenUuid), query);
      if (!listed.some((t) => stored.get(t.uuid) === t.updatedAt)) waste.listings += 1;
    }
  }
  return waste;
}

/** The simulator's paging: `page` from 1, `limit` 1–100 (default 50). */
function paged<T>(items: T[], query: URLSearchParams): T[] {
  const page = Math.max(1, Number(query.get('page') ?? 1) || 1);
  const limit = Math.min(100, Math.max(1, Number(query.get('limit') ?? 50) || 50));
  return items.slice((page - 1) * limit, page * limit);
}
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byUpdatedAtThenUuid = (a: SimTicket, b: SimTicket) => a.updatedAt.localeCompare(b.updatedAt) || compare(a.uuid, b.uuid);
const byCreatedAtThenId = (a: SimMessage, b: SimMessage) => a.createdAt.localeCompare(b.createdAt) || compare(a.id, b.id);
