import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { generateDataset, type Dataset, type DatasetSize } from '../upstream-simulator/dataset.js';
import { UpstreamSimulator, type SimulatorOptions } from '../upstream-simulator/simulator.js';
import { freshDatabase, runService, type RunningService } from './harness.js';

export interface Result {
  id: string;
  title: string;
  target: string;
  figures: string[];
  met: boolean;
}

export const log = (line: string) => process.stdout.write(`${line}\n`);

export interface ScenarioContext {
  /** The service running now (a new one after `restart`). */
  service: RunningService;
  simulator: UpstreamSimulator;
  /** The simulator's base URL, as the clients have it. */
  baseUrl: string;
  tokens: string[];
  /** Client ids, in the order of the scenario's clients. */
  clientIds: string[];
  pool: pg.Pool;
  /** The scenario's database, as the service connects to it. */
  databaseUrl: string;
  datasets: Dataset[];
  /** Starts the service again on the same database (after the last one exited or was killed). */
  restart(): Promise<RunningService>;
}

/**
 * One scenario on a fresh database: the simulator with one account per client, the service
 * process, and the clients inserted with SQL (one statement, so a thousand cost nothing; without
 * ENCRYPTION_KEY the service reads api_token as plain text). Stops everything afterwards.
 */
export async function withScenario<T>(
  serverUrl: string,
  name: string,
  simulatorOptions: SimulatorOptions,
  clients: { slug: string; size: DatasetSize }[],
  env: Record<string, string>,
  body: (ctx: ScenarioContext) => Promise<T>,
): Promise<T> {
  const { url, pool } = await freshDatabase(serverUrl, `bench_${name}`);
  const simulator = new UpstreamSimulator(simulatorOptions);
  const baseUrl = await simulator.listen();
  const datasets = clients.map((c, i) => generateDataset(1000 + i, c.size));
  const tokens = clients.map((c) => `bench-${c.slug}-${randomBytes(4).toString('hex')}`);
  let service = await runService(url, env);
  try {
    clients.forEach((c, i) => simulator.addAccount(tokens[i]!, c.slug, datasets[i]!));
    const slugs = clients.map((c) => c.slug);
    const { rows } = await pool.query<{ id: string; slug: string }>(
      `INSERT INTO clients (slug, name, api_base_url, api_token)
       SELECT slug, slug, $2, token FROM unnest($1::text[], $3::text[]) AS c(slug, token)
       RETURNING id, slug`,
      [slugs, baseUrl, tokens],
    );
    const ids = new Map(rows.map((r) => [r.slug, r.id]));
    const ctx: ScenarioContext = {
      service,
      simulator,
      baseUrl,
      tokens,
      clientIds: slugs.map((s) => ids.get(s)!),
      pool,
      databaseUrl: url,
      datasets,
      restart: async () => {
        await service.stop();
        service = await runService(url, env);
        ctx.service = service;
        return service;
      },
    };
    return await body(ctx);
  } catch (error) {
    // A failed scenario is usually the service's own failure: show how it ended.
    const output = service.service.output().trimEnd().split('\n');
    log(`  ${name} failed; the service's last output lines:\n    ${output.slice(-15).join('\n    ')}`);
    throw error;
  } finally {
    await service.stop();
    await simulator.close();
    await pool.end();
  }
}
