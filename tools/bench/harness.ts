import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { startService, type ServiceProcess } from '../shared/service-process.js';

export const ADMIN_TOKEN = randomBytes(24).toString('base64url');

/** A fresh database on the benchmark's PostgreSQL server, so scenarios never see each other's rows. */
export async function freshDatabase(serverUrl: string, name: string): Promise<{ url: string; pool: pg.Pool }> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), pool: new pg.Pool({ connectionString: url.toString(), max: 4 }) };
}

export interface RunningService {
  service: ServiceProcess;
  port: number;
  trigger(path: string): Promise<{ status: number; location: string }>;
  run(location: string): Promise<{ status: string; stats: Record<string, ClientStats> }>;
  waitFor(location: string): Promise<{ status: string; stats: Record<string, ClientStats> }>;
  /**
   * Polls the run every 100 ms until it is finished or `timeoutMs` has passed; `finished` says
   * which, `run` is the last state seen. Wall times measured this way are good to ~100 ms.
   */
  waitAtMost(location: string, timeoutMs: number): Promise<{ finished: boolean; run: { status: string; stats: Record<string, ClientStats> } }>;
  stop(): Promise<void>;
}

export interface ClientStats {
  status: string;
  pages: number;
  tickets?: number;
  messages?: number;
  upstreamRequests: number;
  rateLimited: number;
  retries: number;
  startedAt?: string;
  finishedAt?: string;
}

const FINISHED = ['succeeded', 'failed', 'cancelled'];

export async function runService(databaseUrl: string, env: Record<string, string>): Promise<RunningService> {
  // BENCH_NODE_ARGS lets a profiling run pass e.g. --cpu-prof to the service process.
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  // The compiled service with npm start's flags: what is measured is what runs.
  const service = startService({ DATABASE_URL: databaseUrl, PORT: '0', ADMIN_TOKEN, DATA_DIR: '/tmp/helpdesk-importer-bench', JOB_POLL_INTERVAL_SECONDS: '0.5', ...env }, { compiled: true, nodeArgs });
  const port = await service.listening;
  await service.working;
  const call = async (method: string, path: string) => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers: { 'x-admin-token': ADMIN_TOKEN } });
    return { status: response.status, location: response.headers.get('location') ?? '', body: await response.json() };
  };
  const run = async (location: string) => (await call('GET', location)).body as { status: string; stats: Record<string, ClientStats> };
  return {
    service,
    port,
    trigger: async (path) => call('POST', path),
    run,
    waitFor: async (location) => {
      for (;;) {
        const current = await run(location);
        if (FINISHED.includes(current.status)) return current;
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    waitAtMost: async (location, timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const current = await run(location);
        if (FINISHED.includes(current.status)) return { finished: true, run: current };
        if (Date.now() >= deadline) return { finished: false, run: current };
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    stop: async () => {
      service.child.kill('SIGTERM');
      await service.finished;
    },
  };
}

/** Peak resident set size of a process so far (VmHWM), in MB. */
export async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/** CPU time (user + system) a process has used so far, in milliseconds (from /proc, 10 ms ticks). */
export async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which may itself hold spaces: utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Milliseconds between a client's start and finish as recorded in the run's stats. */
export function clientElapsedMs(stats: ClientStats): number {
  return Date.parse(stats.finishedAt!) - Date.parse(stats.startedAt!);
}
