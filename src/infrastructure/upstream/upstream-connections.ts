import { inject, injectable } from 'tsyringe';
import { Agent, type Dispatcher } from 'undici';
import type { Client } from '../../domain/clients/client.js';
import { UpstreamUnauthorizedError } from '../../domain/errors.js';
import type { UpstreamCounters, UpstreamUsage } from '../../domain/ports/upstream-usage.port.js';
import type { UpstreamConfig } from '../config.js';
import { INFRA_TOKENS } from '../infra-tokens.js';
import type { ImporterMetrics } from '../metrics/importer-metrics.js';
import { UpstreamConnection } from './upstream-connection.js';
import type { UpstreamRequestLedger } from './upstream-request-ledger.js';

/**
 * One connection per client, kept for the life of the process, so each client's rate budget
 * spans all its runs and clients never share one. A changed rate plan is taken on in place; a
 * changed token or URL makes a new connection, which counts the old one's permits through the
 * ledger as any successor does.
 */
@injectable()
export class UpstreamConnections implements UpstreamUsage {
  private readonly byClient = new Map<string, UpstreamConnection>();
  private readonly dispatcher: Dispatcher | undefined;

  constructor(
    @inject(INFRA_TOKENS.UpstreamConfig) private readonly config: UpstreamConfig,
    @inject(INFRA_TOKENS.Metrics) private readonly metrics: ImporterMetrics,
    @inject(INFRA_TOKENS.UpstreamRequestLedger) private readonly ledger: UpstreamRequestLedger,
  ) {
    this.dispatcher = config.tlsInsecure ? new Agent({ connect: { rejectUnauthorized: false } }) : undefined;
  }

  for(client: Client): UpstreamConnection {
    const existing = this.byClient.get(client.id);
    if (existing?.matches(client)) {
      existing.follow(client);
      return existing;
    }
    let connection: UpstreamConnection;
    try {
      connection = new UpstreamConnection(client, this.config, this.dispatcher, this.metrics.upstream(client.slug), this.ledger);
    } catch {
      // The HTTP layer's message would quote the header, token included.
      throw new UpstreamUnauthorizedError(client.slug, 'its API token cannot be sent in an HTTP header');
    }
    this.byClient.set(client.id, connection);
    return connection;
  }

  waitingSince(clientId: string): Date | null {
    const since = this.byClient.get(clientId)?.waitingSince ?? null;
    return since === null ? null : new Date(since);
  }

  snapshot(clientId: string): UpstreamCounters {
    return { ...(this.byClient.get(clientId)?.counters ?? { requests: 0, retries: 0, rateLimited: 0 }) };
  }
}
